import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestSecurity } from '@empire/cli/test-stack';
import { prepareDatabase } from '@empire/migrations';
import { createLogger, type Database, EventBus, type ProcessSecurity } from '@empire/platform';
import type { RunningSubgraph } from '@empire/platform/graphql';
import { type OwnPostgres, startOwnPostgres, waitFor } from '@empire/platform/testkit';
import { type SchemaRegistry, startSchemaRegistry } from '@empire/schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../src/index.ts';
import { FEDERATION_LINK, graphql, startNeuron } from './neuron.ts';

const logger = createLogger({ name: 'test', level: 'silent' });

describe('the gateway while the registry and the database are down', () => {
  let pg: OwnPostgres;
  let db: Database;
  let bus: EventBus;
  let registry: SchemaRegistry;
  let weather: RunningSubgraph;
  let gateway: RunningGateway;
  let cacheDir: string;
  let security: ProcessSecurity;
  /** A gateway on this test's registry (or another URL) and cache file; with the bus it reloads on push. */
  const gatewayOn = (options: { registryUrl?: string; cacheName: string; withBus?: boolean }) =>
    startGateway({
      verifier: security.verifier,
      registryAuthorization: () => security.serviceAuthorization('gateway', 'viewer'),
      host: '127.0.0.1',
      port: 0,
      registryUrl: options.registryUrl ?? registry.url,
      cacheFile: join(cacheDir, options.cacheName),
      pollIntervalMs: 500,
      logger,
      ...(options.withBus ? { bus } : {}),
    });

  beforeAll(async () => {
    pg = await startOwnPostgres();
    cacheDir = await mkdtemp(join(tmpdir(), 'empire-gateway-cache-'));
    db = (await prepareDatabase({ url: pg.url('outage'), logger, waitMs: 10_000, connectTimeoutMs: 1_000 })).db;
    bus = new EventBus({ db, logger, source: 'outage-test' });
    await bus.start();
    ({ security } = await createTestSecurity({ db, bus }));
    registry = await startSchemaRegistry({ db, bus, logger, host: '127.0.0.1', port: 0, verifier: security.verifier });
    weather = await startNeuron('weather', `${FEDERATION_LINK}\ntype Query { temperature(city: String!): Float }`, {
      Query: { temperature: (_: unknown, args: { city: string }) => (args.city === 'Oslo' ? -3.5 : 21) },
    });
    expect((await registry.service.publish({ name: 'weather', url: weather.graphqlUrl, sdl: weather.sdl })).status).toBe('PUBLISHED');
    gateway = await gatewayOn({ cacheName: 'supergraph.json', withBus: true });
    await gateway.ready;
  });

  afterAll(async () => {
    await gateway?.close();
    await weather?.close();
    await registry?.stop();
    security?.stop();
    await bus?.stop();
    await db?.close();
    await pg?.dispose();
    await rm(cacheDir, { recursive: true, force: true });
  });

  const temperature = (url: string) => graphql<{ temperature: number }>(url, '{ temperature(city: "Oslo") }');

  it('keeps answering queries, and a gateway started now answers from its disk cache', async () => {
    const before = await temperature(gateway.graphqlUrl);
    expect(before.data?.temperature).toBe(-3.5);
    const servedVersion = before.version;

    await registry.stop();
    await pg.server.stop();
    // a few poll rounds against a dead registry and database
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const during = await temperature(gateway.graphqlUrl);
    expect(during.data?.temperature).toBe(-3.5);
    expect(during.version).toBe(servedVersion);
    const ready = await fetch(`${gateway.url}/health/ready`);
    expect(ready.status).toBe(200);

    const cold = await gatewayOn({ cacheName: 'supergraph.json' });
    try {
      await waitFor(() => cold.ready.then(() => true), { timeoutMs: 10_000, what: 'cold gateway ready' });
      const fromCache = await temperature(cold.graphqlUrl);
      expect(fromCache.data?.temperature).toBe(-3.5);
      expect(fromCache.version).toBe(servedVersion);
    } finally {
      await cold.close();
    }
  });

  it('answers 503 on /health/ready and /graphql until a first supergraph exists', async () => {
    const empty = await gatewayOn({ registryUrl: 'http://127.0.0.1:9', cacheName: 'none.json' });
    try {
      expect((await fetch(`${empty.url}/health/live`)).status).toBe(200);
      expect((await fetch(`${empty.url}/health/ready`)).status).toBe(503);
      const response = await graphql(empty.graphqlUrl, '{ __typename }');
      expect(response.status).toBe(503);
      expect(response.errors?.[0]?.message).toContain('has not loaded a supergraph yet');
    } finally {
      await empty.close();
    }
  });
});
