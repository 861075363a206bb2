import { readFileSync } from 'node:fs';
import { type CredentialSource, type Database, type EventBus, isConnectionError, type Logger, retryWhile } from '@empire/platform';
import { type RunningSubgraph, startSubgraphServer } from '@empire/platform/graphql';
import { registryRoutes } from './http-routes.ts';
import { registryResolvers } from './resolvers.ts';
import { SchemaRegistryService } from './service.ts';
import { SchemaVersionStore } from './store.ts';

export { composeSupergraph, diffApiSchemas } from './composition.ts';
export { registryEntities, SchemaChangeEntity, SchemaVersionEntity } from './entities.ts';
export { publishResultJson } from './http-routes.ts';
export { SchemaRegistryService, type SupergraphPublishedPayload, validatePublishInput } from './service.ts';
export * from './types.ts';

export const REGISTRY_SUBGRAPH_NAME = 'registry';
export const registrySdl = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');

export interface SchemaRegistry {
  service: SchemaRegistryService;
  server: RunningSubgraph;
  url: string;
  stop: () => Promise<void>;
}

/**
 * The schema registry process part: its REST API, `GET /supergraph`, and its own subgraph on
 * `/graphql`, which it publishes to itself at start.
 */
export async function startSchemaRegistry(deps: {
  db: Database;
  bus: EventBus;
  logger: Logger;
  host: string;
  port: number;
  verifier: CredentialSource;
}): Promise<SchemaRegistry> {
  const service = new SchemaRegistryService({ store: new SchemaVersionStore(deps.db), bus: deps.bus, logger: deps.logger });
  const server = await startSubgraphServer({
    name: REGISTRY_SUBGRAPH_NAME,
    sdl: registrySdl,
    resolvers: registryResolvers(service, deps.bus),
    host: deps.host,
    port: deps.port,
    logger: deps.logger,
    routes: registryRoutes(service, deps.verifier),
    auth: { verifier: deps.verifier },
    readiness: [{ name: 'database', check: async () => ((await deps.db.ping()) ? null : 'DB_UNAVAILABLE: the database does not answer') }],
  });
  // the deployed code is the truth about a core module's own schema, so its publish is forced
  const selfPublish = () =>
    service.publish(
      { name: REGISTRY_SUBGRAPH_NAME, url: server.graphqlUrl, sdl: registrySdl, author: 'empire', message: 'registry self-publish' },
      { force: true },
    );
  const published = await retryWhile(selfPublish, isConnectionError, {
    waitMs: 60_000,
    onRetry: (_error, delay) => deps.logger.warn({ retryInMs: Math.round(delay) }, 'database unavailable; retrying the registry self-publish'),
  });
  if (published.status === 'REJECTED') deps.logger.error({ errors: published.errors }, 'the registry could not publish its own subgraph');
  return { service, server, url: server.url, stop: () => server.close() };
}
