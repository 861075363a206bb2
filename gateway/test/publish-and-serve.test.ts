import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestStack, type TestStack } from '@empire/cli/test-stack';
import type { RunningSubgraph } from '@empire/platform/graphql';
import { runCli, waitFor } from '@empire/platform/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEDERATION_LINK, graphql, startNeuron } from './neuron.ts';

const PRODUCTS_V1 = `${FEDERATION_LINK}
type Product @key(fields: "id") { id: ID! name: String! price: Float! }
type Query { products: [Product!]! }`;
const PRODUCTS_WITHOUT_PRICE = `${FEDERATION_LINK}
type Product @key(fields: "id") { id: ID! name: String! }
type Query { products: [Product!]! }`;

const catalogue = [
  { id: '1', name: 'Lamp', price: 20 },
  { id: '2', name: 'Desk', price: 150 },
];

describe('publishing subgraphs through the registry to the gateway', () => {
  let stack: TestStack;
  let products: RunningSubgraph;
  let cli: (args: string[]) => ReturnType<typeof runCli>;
  let adminKey: string;

  beforeAll(async () => {
    stack = await startTestStack({ parts: ['registry', 'subgraph:system', 'gateway'] });
    products = await startNeuron('products', PRODUCTS_V1, { Query: { products: () => catalogue } });
    adminKey = await stack.apiKeyFor('admin');
    const neuronKey = await stack.apiKeyFor('neuron');
    cli = (args) =>
      runCli(args, {
        EMPIRE_REGISTRY_URL: stack.registryUrl,
        DATABASE_URL: stack.databaseUrl,
        EMPIRE_API_KEY: args.includes('rollback') ? adminKey : neuronKey,
      });
  });

  afterAll(async () => {
    await products?.close();
    await stack?.stop();
  });

  const served = async (field = 'products { name price }') => graphql<{ products: { name: string; price?: number }[] }>(stack.gatewayUrl, `{ ${field} }`);

  it('serves a newly published subgraph through the gateway, and a second gateway process sees it too', async () => {
    const file = join(stack.dataDir, 'products.graphql');
    await writeFile(file, PRODUCTS_V1);
    const published = await cli([
      'schema',
      'publish',
      '--name',
      'products',
      '--url',
      products.graphqlUrl,
      '--schema',
      file,
      '--author',
      'ada',
      '--commit',
      'abc123',
      '--json',
    ]);
    expect(published.code).toBe(0);
    const result = JSON.parse(published.stdout) as {
      status: string;
      version: { version: number; riskLevel: string; author: string };
      changes: { path: string }[];
    };
    expect(result.status).toBe('PUBLISHED');
    expect(result.version.author).toBe('ada');
    expect(result.changes.map((c) => c.path)).toContain('Query.products');

    const response = await waitFor(async () => {
      const r = await served();
      return r.data?.products ? r : undefined;
    });
    expect(response.data?.products).toEqual([
      { name: 'Lamp', price: 20 },
      { name: 'Desk', price: 150 },
    ]);
    expect(response.version).toBe(String(result.version.version));

    const second = await stack.startSecondGateway();
    try {
      const fromSecond = await waitFor(
        async () => {
          const r = await graphql<{ products: { name: string }[] }>(second.graphqlUrl, '{ products { name } }').catch(() => undefined);
          return r?.data?.products ? r : undefined;
        },
        { timeoutMs: 30_000, what: 'the second gateway' },
      );
      expect(fromSecond.data?.products.map((p) => p.name)).toEqual(['Lamp', 'Desk']);
      expect(fromSecond.version).toBe(String(result.version.version));
    } finally {
      await second.stop();
    }
  });

  it('republishing an identical SDL is UNCHANGED and makes no version', async () => {
    const before = await stack.publish({ name: 'products', url: products.graphqlUrl, sdl: PRODUCTS_V1 });
    expect(before.status).toBe('UNCHANGED');
    const history = await cli(['schema', 'history', '--json']);
    const versions = JSON.parse(history.stdout) as { version: number }[];
    expect(versions[0]?.version).toBe(before.version?.version);
  });

  it('rejects invalid SDL and a composition conflict with every error, while the gateway keeps serving', async () => {
    const active = (await served()).version;
    const invalid = await stack.publish({ name: 'broken', url: 'http://127.0.0.1:9/graphql', sdl: 'type Query { oops: }' });
    expect(invalid.status).toBe('REJECTED');
    expect(invalid.errors?.[0]).toMatch(/\[broken\] Syntax Error: .*line 1/);

    const conflict = await stack.publish({
      name: 'pricing',
      url: 'http://127.0.0.1:9/graphql',
      sdl: `${FEDERATION_LINK}\ntype Product @key(fields: "id") { id: ID! price: String! }`,
    });
    expect(conflict.status).toBe('REJECTED');
    expect(conflict.errors?.join('\n')).toContain('Product.price');

    const bad = await stack.publish({ name: 'has space', url: 'ftp://x', sdl: '' });
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT', error: expect.stringContaining('"sdl" is required') });
    expect(bad.error).toContain('"url" must be an http(s) URL');

    const after = await served();
    expect(after.version).toBe(active);
    expect(after.data?.products).toHaveLength(2);
  });

  it('blocks a breaking removal unless forced, and a rollback restores the field through the gateway', async () => {
    const file = join(stack.dataDir, 'products-v2.graphql');
    await writeFile(file, PRODUCTS_WITHOUT_PRICE);
    const args = ['schema', 'publish', '--name', 'products', '--url', products.graphqlUrl, '--schema', file];
    const check = await cli(['schema', 'check', ...args.slice(2)]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("BREAKING  Field 'price' was removed from object type 'Product'");

    const blocked = await cli(args);
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toContain('REJECTED');
    expect(blocked.stdout).toContain('BREAKING_CHANGE_BLOCKED');
    expect((await served()).data?.products[0]?.price).toBe(20);

    const beforeForce = Number((await served()).version);
    const forced = await cli([...args, '--force', '--json']);
    expect(forced.code).toBe(0);
    const forcedResult = JSON.parse(forced.stdout) as { version: { version: number; riskLevel: string } };
    expect(forcedResult.version.riskLevel).toBe('BREAKING');
    await waitFor(async () => ((await served()).version === String(forcedResult.version.version) ? true : undefined), { what: 'forced version served' });
    const withoutPrice = await served();
    expect(withoutPrice.errors?.[0]?.message).toContain('Cannot query field "price"');

    const rollback = await cli(['schema', 'rollback', '--to', String(beforeForce), '--json']);
    expect(rollback.code).toBe(0);
    const rolledBack = JSON.parse(rollback.stdout) as {
      status: string;
      version: { version: number; trigger: string; rolledBackTo: number };
      changes: { criticality: string; path: string }[];
    };
    expect(rolledBack.version).toMatchObject({ trigger: 'ROLLBACK', rolledBackTo: beforeForce });
    expect(rolledBack.changes).toContainEqual(expect.objectContaining({ criticality: 'SAFE', path: 'Product.price' }));
    const restored = await waitFor(async () => {
      const r = await served();
      return r.data?.products?.[0]?.price === 20 ? r : undefined;
    });
    expect(restored.version).toBe(String(rolledBack.version.version));
  });

  it('serves the active supergraph with an ETag for other routers', async () => {
    const anonymous = await fetch(`${stack.registryUrl}/supergraph`);
    expect(anonymous.status).toBe(401);
    const auth = { authorization: `Bearer ${adminKey}` };
    const first = await fetch(`${stack.registryUrl}/supergraph`, { headers: auth });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"v\d+"$/);
    expect(await first.text()).toContain('join__Graph');
    const again = await fetch(`${stack.registryUrl}/supergraph`, { headers: { ...auth, 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
  });

  it('returns the other subgraphs data with a clear error when one subgraph is down', async () => {
    const flaky = await startNeuron('inventory', `${FEDERATION_LINK}\ntype Query { stock: Int }`, { Query: { stock: () => 7 } });
    const published = await stack.publish({ name: 'inventory', url: flaky.graphqlUrl, sdl: flaky.sdl });
    expect(published.status).toBe('PUBLISHED');
    await waitFor(async () => ((await graphql<{ stock: number }>(stack.gatewayUrl, '{ stock }')).data?.stock === 7 ? true : undefined), {
      what: 'inventory served',
    });
    await flaky.close();
    const partial = await graphql<{ stock: number | null; products: { name: string }[] }>(stack.gatewayUrl, '{ stock products { name } }');
    expect(partial.data?.products).toHaveLength(2);
    expect(partial.data?.stock ?? null).toBeNull();
    expect(partial.errors?.[0]?.message).toMatch(/inventory|ECONNREFUSED|fetch failed/i);
  });

  it('exposes history, one version and db health through the gateway', async () => {
    const response = await graphql<{
      schemaVersions: { version: number; riskLevel: string; changes: { path: string | null }[] }[];
      dbHealth: { ok: boolean; tables: { name: string }[] };
    }>(stack.gatewayUrl, '{ schemaVersions(limit: 3) { version riskLevel changes { path } } dbHealth { ok tables { name } } }', undefined, adminKey);
    expect(response.errors).toBeUndefined();
    expect(response.data?.schemaVersions).toHaveLength(3);
    expect(response.data?.dbHealth.ok).toBe(true);
    expect(response.data?.dbHealth.tables.map((t) => t.name)).toEqual(expect.arrayContaining(['schema_versions', 'events']));
  });
});
