import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { type EventBus, errorMessage, type Logger } from '@empire/platform';
import { type EmpireHttpServer, formatEmpireError, healthRoutes, sendJson, startHttpServer } from '@empire/platform/graphql';
import { SubscriptionRouter } from './subscription-router.ts';
import { EmpireSupergraphManager } from './supergraph-manager.ts';
import { SupergraphDiskCache } from './supergraph-source.ts';

export { routingTableOf, SubscriptionRouter } from './subscription-router.ts';
export { EmpireSupergraphManager, subgraphUrls } from './supergraph-manager.ts';
export { fetchSupergraph, type LoadedSupergraph, SupergraphDiskCache } from './supergraph-source.ts';

// @apollo/gateway otherwise probes cloud metadata endpoints and ships metrics to Apollo's
// servers from every gateway; a self-hosted platform sends nothing anywhere it was not told to.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';

export const SUPERGRAPH_VERSION_HEADER = 'x-empire-supergraph-version';

export interface GatewayOptions {
  host: string;
  port: number;
  registryUrl: string;
  /** File that keeps the last good supergraph for a cold start without the registry. */
  cacheFile: string;
  pollIntervalMs: number;
  logger: Logger;
  /** The event bus, for push reloads on `supergraph.published`; without it the gateway polls. */
  bus?: EventBus;
}

export interface RunningGateway extends EmpireHttpServer {
  graphqlUrl: string;
  manager: EmpireSupergraphManager;
  router: SubscriptionRouter;
  /** Resolves once the first supergraph is loaded and the gateway answers GraphQL. */
  ready: Promise<void>;
}

function versionHeaderPlugin(manager: EmpireSupergraphManager): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (manager.current) response.http.headers.set(SUPERGRAPH_VERSION_HEADER, String(manager.current.version));
        },
      };
    },
  };
}

/**
 * The gateway: Apollo Gateway on a push-reloaded supergraph, graphql-ws subscriptions routed
 * to their subgraphs, the served version in a response header, and health endpoints. HTTP is
 * up before the first supergraph loads (`/health/ready` answers 503 until then).
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const logger = options.logger.child({ component: 'gateway' });
  const manager = new EmpireSupergraphManager({
    registryUrl: options.registryUrl,
    cache: new SupergraphDiskCache(options.cacheFile),
    logger,
    pollIntervalMs: options.pollIntervalMs,
    bus: options.bus,
  });
  const gateway = new ApolloGateway({
    supergraphSdl: manager,
    // Node's fetch keeps connections to subgraphs alive between requests
    buildService: ({ url }) => new RemoteGraphQLDataSource({ url, fetcher: fetch }),
  });
  const apollo = new ApolloServer<BaseContext>({
    gateway,
    plugins: [versionHeaderPlugin(manager)],
    formatError: formatEmpireError,
    includeStacktraceInErrorResponses: false,
  });
  const router = new SubscriptionRouter({ apollo, logger });
  manager.on('updated', (supergraph) => {
    try {
      router.applySupergraph(supergraph.version, supergraph.sdl);
    } catch (error) {
      logger.error({ err: errorMessage(error) }, 'could not read subscription routes from the supergraph');
    }
  });
  let started = false;
  const http = await startHttpServer<BaseContext>({
    host: options.host,
    port: options.port,
    routes: [
      healthRoutes({
        checks: [{ name: 'supergraph', check: () => (started && manager.current ? null : 'no supergraph loaded yet') }],
        info: () => ({ supergraphVersion: manager.current?.version ?? null, subscriptions: router.activeCount }),
        headers: (): Record<string, string> => (manager.current ? { [SUPERGRAPH_VERSION_HEADER]: String(manager.current.version) } : {}),
      }),
      (_req, res, url) => {
        if (url.pathname === '/graphql' && !started) {
          sendJson(res, 503, { errors: [{ message: 'The gateway has not loaded a supergraph yet', extensions: { code: 'UPSTREAM_FAILED' } }] });
          return true;
        }
        return false;
      },
    ],
    graphql: { apollo, context: async () => ({}) },
    webSocket: (wss) => router.attach(wss),
  });
  const ready = apollo.start().then(() => {
    started = true;
    logger.info({ url: `${http.url}/graphql`, version: manager.current?.version }, 'gateway ready');
  });
  ready.catch((error: unknown) => logger.error({ err: errorMessage(error) }, 'gateway could not start'));
  return {
    ...http,
    graphqlUrl: `${http.url}/graphql`,
    manager,
    router,
    ready,
    close: async () => {
      manager.stop();
      await http.close();
      if (started) await apollo.stop();
    },
  };
}
