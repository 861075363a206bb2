import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestSecurity } from '@empire/cli/test-stack';
import { type RunningGateway, startGateway } from '@empire/gateway';
import { prepareDatabase } from '@empire/migrations';
import { createLogger, type Database, EventBus, errorMessage, type Principal, type ProcessSecurity } from '@empire/platform';
import { callRegistry, type PublishRequest } from '@empire/platform/graphql';
import type { OwnPostgres } from '@empire/platform/testkit';
import { type SchemaRegistry, startSchemaRegistry } from '@empire/schema-registry';
import type { Vault } from '@empire/subgraph-vault';

export const LOOPBACK = '127.0.0.1';

/** Benchmarks print tables on stdout; servers stay quiet so nothing else lands there. */
export const silentLogger = createLogger({ name: 'bench', level: 'silent' });

/** A progress line on stderr, so stdout carries only the results table. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Stops what was started, newest first, and keeps going past a step that fails so nothing is left running. */
export class Teardown {
  readonly #steps: { what: string; stop: () => Promise<void> }[] = [];

  add(what: string, stop: () => Promise<void>): void {
    this.#steps.push({ what, stop });
  }

  /** Runs every step once; returns the failures. */
  async run(): Promise<Error[]> {
    const failures: Error[] = [];
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step.stop();
      } catch (error) {
        failures.push(new Error(`could not stop ${step.what}: ${errorMessage(error)}`));
      }
    }
    return failures;
  }
}

/** Runs `body`, then stops everything it registered, whether it succeeded or not; a failure of either is thrown. */
export async function withTeardown<T>(body: (teardown: Teardown) => Promise<T>): Promise<T> {
  const teardown = new Teardown();
  let result: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    result = { ok: true, value: await body(teardown) };
  } catch (error) {
    result = { ok: false, error };
  }
  const failures = await teardown.run();
  for (const failure of failures) progress(failure.message);
  if (!result.ok) throw result.error;
  if (failures.length) throw new AggregateError(failures, 'the benchmark finished but could not stop everything it started');
  return result.value;
}

/** Rejects when `promise` has not settled after `ms`, so no wait of a benchmark is unbounded. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface GraphQLAnswer {
  status: number;
  /** The supergraph version the gateway served the request with (`x-empire-supergraph-version`). */
  version: number | null;
  data: Record<string, unknown> | null;
}

export async function queryGraphQL(url: string, query: string, authorization: string): Promise<GraphQLAnswer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query }) });
  const body = (await response.json()) as { data?: Record<string, unknown> | null };
  const version = response.headers.get('x-empire-supergraph-version');
  return { status: response.status, version: version === null ? null : Number(version), data: body.data ?? null };
}

/**
 * Queries `url` until `isServed` accepts the answer's data; returns that answer. Until a gateway
 * has swapped in a supergraph with the queried fields, it refuses the query as invalid.
 */
export async function pollUntilServed(
  url: string,
  query: string,
  isServed: (data: Record<string, unknown>) => boolean,
  options: { authorization: string; intervalMs: number; timeoutMs: number },
): Promise<GraphQLAnswer> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    const answer = await queryGraphQL(url, query, options.authorization);
    if (answer.status === 200 && answer.data && isServed(answer.data)) return answer;
    if (performance.now() > deadline) throw new Error(`${url} did not serve ${query} within ${options.timeoutMs} ms (last status ${answer.status})`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}

export interface RegistryStack {
  registry: SchemaRegistry;
  db: Database;
  databaseUrl: string;
  /** The master key this stack's vault is encrypted with, for other processes on it. */
  masterKey: string;
  security: ProcessSecurity;
  vault: Vault;
  registryUrl: string;
  /** Publishes through the registry's REST API with a neuron API key, as a neuron does; returns the new supergraph version. */
  publish: (request: PublishRequest) => Promise<number>;
  /** `Bearer <JWT>` of a viewer: what a client of the gateway sends. */
  callerAuthorization: () => Promise<string>;
  startGateway: () => Promise<RunningGateway>;
}

// the principal that mints the neuron's API key, as an operator would in the admin app
export const SETUP_PRINCIPAL: Principal = { kind: 'service', id: 'service:bench', name: 'service:bench', role: 'admin', scopes: ['*'] };

/**
 * A fresh database on the run's PostgreSQL, migrated, with the vault's signing keys and a
 * schema registry on it. Each benchmark gets its own, so one's schema history does not weigh
 * on another's figures.
 */
export async function startRegistryStack(postgres: OwnPostgres, database: string, teardown: Teardown): Promise<RegistryStack> {
  const { db } = await prepareDatabase({ url: postgres.url(database), logger: silentLogger, waitMs: 10_000 });
  teardown.add(`database ${database}`, () => db.close());
  const bus = new EventBus({ db, logger: silentLogger, source: 'bench' });
  await bus.start();
  teardown.add('event bus', () => bus.stop());
  const { security, vault, masterKey } = await createTestSecurity({ db, bus });
  teardown.add('credential verifier', async () => security.stop());
  const registry = await startSchemaRegistry({ db, bus, logger: silentLogger, host: LOOPBACK, port: 0, verifier: security.verifier });
  teardown.add('schema registry', registry.stop);
  const neuronKey = (await vault.apiKeys.create({ name: 'bench neuron', role: 'neuron' }, SETUP_PRINCIPAL, null)).key;
  return {
    registry,
    db,
    databaseUrl: postgres.url(database),
    masterKey,
    security,
    vault,
    registryUrl: registry.url,
    publish: async (request) => {
      const answer = await callRegistry(registry.url, '/api/api-diff/register', request, { authorization: `Bearer ${neuronKey}` });
      const version = answer.body.version?.version;
      if (answer.body.status !== 'PUBLISHED' || version === undefined) {
        throw new Error(`the registry did not publish ${request.name} (${answer.httpStatus}): ${(answer.body.errors ?? [answer.body.error]).join('; ')}`);
      }
      return version;
    },
    callerAuthorization: () => security.serviceAuthorization('bench-caller', 'viewer'),
    startGateway: async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'empire-bench-gateway-'));
      teardown.add('gateway cache folder', () => rm(dataDir, { recursive: true, force: true }));
      const gateway = await startGateway({
        verifier: security.verifier,
        registryAuthorization: () => security.serviceAuthorization('gateway', 'viewer'),
        host: LOOPBACK,
        port: 0,
        registryUrl: registry.url,
        cacheFile: join(dataDir, 'supergraph-cache.json'),
        // far beyond any measured wait: a supergraph that arrives in time arrived by push
        pollIntervalMs: 600_000,
        logger: silentLogger,
        bus,
      });
      teardown.add('gateway', gateway.close);
      await withTimeout(gateway.ready, 30_000, 'the gateway to load its first supergraph');
      return gateway;
    },
  };
}
