import { startTestStack, type TestStack } from '@empire/cli/test-stack';
import type { RunningSubgraph } from '@empire/platform/graphql';
import { waitFor } from '@empire/platform/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, startNeuron } from '../../gateway/test/neuron.ts';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@authenticated", "@requiresScopes"])';
const GUARDED = `${LINK}
type Query {
  forecast: String
  salary: Int @authenticated
  payroll: Int @requiresScopes(scopes: [["vault:read"]])
}`;
const LOOSENED = `${LINK}
type Query {
  forecast: String
  salary: Int
  payroll: Int @requiresScopes(scopes: [["db:read"]])
}`;

interface PublishBody {
  status?: string;
  changes?: { type: string; criticality: string; path: string; security: boolean; message: string }[];
  version?: { version: number; riskLevel: string } | null;
}

describe('access rules in subgraph schemas', () => {
  let stack: TestStack;
  let hr: RunningSubgraph;
  let viewerKey: string;
  let operatorKey: string;

  beforeAll(async () => {
    stack = await startTestStack({ parts: ['registry', 'gateway'] });
    viewerKey = await stack.apiKeyFor('viewer');
    operatorKey = await stack.apiKeyFor('operator');
    hr = await startNeuron('hr', GUARDED, { Query: { forecast: () => 'sunny', salary: () => 5000, payroll: () => 42 } });
  });

  afterAll(async () => {
    await hr?.close();
    await stack?.stop();
  });

  it('are enforced by the gateway although @apollo/gateway cannot load them', async () => {
    const published = (await stack.publish({ name: 'hr', url: hr.graphqlUrl, sdl: GUARDED })) as PublishBody;
    expect(published.status).toBe('PUBLISHED');
    const query = '{ forecast salary payroll }';
    await waitFor(async () => ((await graphql<{ forecast: string }>(stack.gatewayUrl, query)).data?.forecast ? true : undefined), { what: 'hr served' });

    const anonymous = await graphql<{ forecast: string; salary: number | null; payroll: number | null }>(stack.gatewayUrl, query);
    expect(anonymous.data).toEqual({ forecast: 'sunny', salary: null, payroll: null });
    expect(anonymous.errors?.map((e) => [e.path?.[0], e.extensions?.code])).toEqual([
      ['salary', 'UNAUTHENTICATED'],
      ['payroll', 'UNAUTHENTICATED'],
    ]);
    const viewer = await graphql<{ salary: number; payroll: number | null }>(stack.gatewayUrl, query, undefined, viewerKey);
    expect(viewer.data).toMatchObject({ salary: 5000, payroll: null });
    expect(viewer.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const operator = await graphql(stack.gatewayUrl, query, undefined, operatorKey);
    expect(operator.errors).toBeUndefined();
    expect(operator.data).toEqual({ forecast: 'sunny', salary: 5000, payroll: 42 });

    const full = await (await fetch(`${stack.registryUrl}/supergraph`, { headers: { authorization: `Bearer ${operatorKey}` } })).text();
    expect(full).toContain('for: SECURITY');
    const gatewayCopy = (await (await fetch(`${stack.registryUrl}/supergraph/gateway`, { headers: { authorization: `Bearer ${operatorKey}` } })).json()) as {
      sdl: string;
      policies: Record<string, unknown>;
    };
    expect(gatewayCopy.sdl).not.toContain('for: SECURITY');
    expect(gatewayCopy.sdl).not.toContain('@authenticated');
    expect(gatewayCopy.policies['Query.salary']).toEqual({ authenticated: true, scopes: [] });
  });

  it('records removing or loosening a rule as a DANGEROUS security change', async () => {
    const check = (await stack.publish({ name: 'hr', url: hr.graphqlUrl, sdl: LOOSENED })) as PublishBody;
    expect(check.status).toBe('PUBLISHED');
    expect(check.version?.riskLevel).toBe('DANGEROUS');
    const security = check.changes?.filter((c) => c.security) ?? [];
    expect(security).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'ACCESS_RULE_LOOSENED', criticality: 'DANGEROUS', path: 'Query.salary' }),
        expect.objectContaining({ type: 'ACCESS_RULE_LOOSENED', criticality: 'DANGEROUS', path: 'Query.payroll' }),
      ]),
    );
    const stored = await stack.platform.db.query<{ path: string; security: boolean }>(`select path, security from schema_changes where security order by id`);
    expect(stored.map((r) => r.path)).toEqual(expect.arrayContaining(['Query.salary', 'Query.payroll']));
    await waitFor(async () => ((await graphql<{ salary: number }>(stack.gatewayUrl, '{ salary }')).data?.salary === 5000 ? true : undefined), {
      what: 'loosened rule served',
    });
  });
});
