import type { IncomingHttpHeaders } from 'node:http';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { authError, authenticateRequest, type CredentialVerifier, EmpireError, type EventBus, errorMessage, type Logger } from '@empire/platform';
import { type EmpireHttpServer, formatEmpireError, healthRoutes, sendJson, startHttpServer } from '@empire/platform/graphql';
import { fieldPolicyPlugin, type GatewayContext } from './field-policy-plugin.ts';
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
// clients may cache the JWKS this long; a retiring key stays published longer than that
const JWKS_MAX_AGE_SECONDS = 60;

export interface GatewayOptions {
  /** Verifies every caller's credentials. */
  verifier: CredentialVerifier;
  /** The gateway's own credential for the registry. */
  registryAuthorization?: () => Promise<string | null>;
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

function versionHeaderPlugin(manager: EmpireSupergraphManager): ApolloServerPlugin<GatewayContext> {
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
    authorization: options.registryAuthorization,
  });
  const gateway = new ApolloGateway({
    supergraphSdl: manager,
    // Node's fetch keeps connections to subgraphs alive between requests
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<GatewayContext>({
        url,
        fetcher: fetch,
        // subgraphs verify the caller themselves
        willSendRequest: ({ request, context }) => {
          if (context.authorization) request.http?.headers.set('authorization', context.authorization);
          if (context.ip) request.http?.headers.set('x-forwarded-for', context.ip);
        },
      }),
  });
  const apollo = new ApolloServer<GatewayContext>({
    // the process stops its parts itself, in order; Apollo would re-raise the signal and cut that short
    stopOnTerminationSignals: false,
    gateway,
    plugins: [versionHeaderPlugin(manager), fieldPolicyPlugin(manager)],
    formatError: formatEmpireError,
    includeStacktraceInErrorResponses: false,
  });
  const authenticate = async (headers: IncomingHttpHeaders, remoteAddress: string | null): Promise<GatewayContext> => {
    try {
      return await authenticateRequest(options.verifier, headers, remoteAddress);
    } catch (error) {
      throw error instanceof EmpireError ? authError(error) : error;
    }
  };
  const router = new SubscriptionRouter({ apollo, logger, authenticate, policies: () => manager.current?.policies ?? {} });
  manager.on('updated', (supergraph) => {
    try {
      router.applySupergraph(supergraph.version, supergraph.sdl);
    } catch (error) {
      logger.error({ err: errorMessage(error) }, 'could not read subscription routes from the supergraph');
    }
  });
  let started = false;
  const http = await startHttpServer<GatewayContext>({
    host: options.host,
    port: options.port,
    routes: [
      healthRoutes({
        checks: [{ name: 'supergraph', check: () => (started && manager.current ? null : 'no supergraph loaded yet') }],
        info: () => ({ supergraphVersion: manager.current?.version ?? null, subscriptions: router.activeCount }),
        headers: (): Record<string, string> => (manager.current ? { [SUPERGRAPH_VERSION_HEADER]: String(manager.current.version) } : {}),
      }),
      (_req, res, url) => {
        if (url.pathname === '/.well-known/jwks.json') {
          sendJson(res, 200, options.verifier.jwks(), { 'cache-control': `public, max-age=${JWKS_MAX_AGE_SECONDS}` });
          return true;
        }
        if (url.pathname === '/graphql' && !started) {
          sendJson(res, 503, { errors: [{ message: 'The gateway has not loaded a supergraph yet', extensions: { code: 'UPSTREAM_FAILED' } }] });
          return true;
        }
        return false;
      },
    ],
    graphql: { apollo, context: (req) => authenticate(req.headers, req.socket.remoteAddress ?? null) },
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
