import { startTestStack, type TestStack } from '@empire/cli/test-stack';
import { waitFor } from '@empire/platform/testkit';
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FEDERATION_LINK, graphql, startNeuron } from './neuron.ts';

interface Next {
  data?: { schemaPublished?: { version: number; subgraphName: string | null; riskLevel: string } } | null;
  errors?: readonly { message: string }[];
}

function collect(client: Client, query: string) {
  const received: Next[] = [];
  let completed = false;
  let error: unknown;
  const dispose = client.subscribe<Next['data']>(
    { query },
    {
      next: (value) => received.push(value as Next),
      error: (e) => {
        error = e;
      },
      complete: () => {
        completed = true;
      },
    },
  );
  return { received, dispose, state: () => ({ completed, error }) };
}

describe('subscriptions through the gateway', () => {
  let stack: TestStack;
  let client: Client;
  let adminKey: string;

  beforeAll(async () => {
    stack = await startTestStack({ parts: ['registry', 'subgraph:system', 'gateway'] });
    adminKey = await stack.apiKeyFor('admin');
    client = createClient({
      url: stack.gatewayUrl.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${adminKey}` },
    });
  });

  afterAll(async () => {
    await client?.dispose();
    await stack?.stop();
  });

  it('routes schemaPublished to the registry subgraph and survives supergraph reloads', async () => {
    const subscription = collect(client, 'subscription { schemaPublished { version subgraphName riskLevel } }');
    await waitFor(async () => ((await activeSubscriptions(stack)) > 0 ? true : undefined), { what: 'subscription routed' });

    const first = await startNeuron('reviews', `${FEDERATION_LINK}\ntype Query { reviews: [String!]! }`, { Query: { reviews: () => ['great'] } });
    const second = await startNeuron('ratings', `${FEDERATION_LINK}\ntype Query { rating: Int }`, { Query: { rating: () => 5 } });
    try {
      const v1 = await stack.publish({ name: 'reviews', url: first.graphqlUrl, sdl: first.sdl });
      await waitFor(() => (subscription.received.some((r) => r.data?.schemaPublished?.version === v1.version?.version) ? true : undefined), {
        what: 'first event',
      });
      // the gateway reloads on the same event; wait until it serves the new version
      await waitFor(async () => ((await graphql<{ reviews: string[] }>(stack.gatewayUrl, '{ reviews }')).data?.reviews ? true : undefined), { what: 'reload' });

      const v2 = await stack.publish({ name: 'ratings', url: second.graphqlUrl, sdl: second.sdl });
      await waitFor(() => (subscription.received.some((r) => r.data?.schemaPublished?.version === v2.version?.version) ? true : undefined), {
        what: 'event after a reload',
      });

      const versions = subscription.received.map((r) => r.data?.schemaPublished?.version);
      expect(versions).toEqual([v1.version?.version, v2.version?.version]);
      expect(subscription.received[0]?.data?.schemaPublished).toMatchObject({ subgraphName: 'reviews', riskLevel: 'SAFE' });
      expect(subscription.state()).toEqual({ completed: false, error: undefined });
    } finally {
      subscription.dispose();
      await first.close();
      await second.close();
    }
  });

  it('refuses, with a clear error, a field of the event owned by another subgraph', async () => {
    const notes = await startNeuron('notes', `${FEDERATION_LINK}\ntype SchemaVersion @key(fields: "id") { id: ID! reviewNote: String }`, {
      SchemaVersion: { reviewNote: () => 'looks fine' },
    });
    try {
      const published = await stack.publish({ name: 'notes', url: notes.graphqlUrl, sdl: notes.sdl });
      expect(published.status).toBe('PUBLISHED');
      await waitFor(async () => ((await graphql(stack.gatewayUrl, '{ activeSchemaVersion { reviewNote } }', undefined, adminKey)).data ? true : undefined), {
        what: 'notes served',
      });
      const refused = collect(client, 'subscription { schemaPublished { version reviewNote } }');
      await waitFor(() => (refused.state().error ? true : undefined), { what: 'refusal' });
      const message = JSON.stringify(refused.state().error);
      expect(message).toContain('SchemaVersion.reviewNote');
      expect(message).toContain('subgraph \\"notes\\"');
      const unknown = collect(client, 'subscription { nothingHere }');
      await waitFor(() => (unknown.state().error ? true : undefined), { what: 'unknown field refusal' });
      expect(JSON.stringify(unknown.state().error)).toContain('Subscription field \\"nothingHere\\" does not exist');
    } finally {
      await notes.close();
    }
  });

  it('answers queries over the same WebSocket through the gateway', async () => {
    const result = await new Promise<unknown>((resolve, reject) => {
      client.subscribe({ query: '{ activeSchemaVersion { version } }' }, { next: resolve, error: reject, complete: () => {} });
    });
    expect(result).toMatchObject({ data: { activeSchemaVersion: { version: expect.any(Number) } } });
  });
});

async function activeSubscriptions(stack: TestStack): Promise<number> {
  const health = (await (await fetch(`${stack.config.gatewayUrl}/health/ready`)).json()) as { subscriptions: number };
  return health.subscriptions;
}
