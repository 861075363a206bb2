import type { IncomingMessage } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { GraphQLError, parse } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { authError, authenticateRequest, authorizeOperation, type CredentialSource, type RequestAuth } from '../auth/authorize-operation.ts';
import { extractPolicies } from '../auth/field-policies.ts';
import { EmpireError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { healthRoutes, type ReadinessCheck } from './health-routes.ts';
import { type EmpireHttpServer, type RouteHandler, startHttpServer } from './http-server.ts';

export type SubgraphResolvers<TContext> = GraphQLResolverMap<TContext>;

export interface SubgraphServerOptions {
  name: string;
  sdl: string;
  resolvers: SubgraphResolvers<RequestAuth>;
  host: string;
  port: number;
  logger: Logger;
  /** Verifies every caller; without it the subgraph is open (a neuron's choice, not a core module's). */
  auth?: { verifier: CredentialSource; publicFields?: string[] };
  routes?: RouteHandler[];
  /** What `/health/ready` checks besides the process being up. */
  readiness?: ReadinessCheck[];
  plugins?: ApolloServerPlugin<RequestAuth>[];
}

export interface RunningSubgraph extends EmpireHttpServer {
  name: string;
  sdl: string;
  graphqlUrl: string;
}

/** Maps our typed errors to GraphQL errors with a stable `extensions.code`. */
export function formatEmpireError(formatted: { message: string; extensions?: Record<string, unknown> }, error: unknown) {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof EmpireError) {
    return { ...formatted, message: original.message, extensions: { ...formatted.extensions, code: original.code, ...original.details } };
  }
  return formatted;
}

/**
 * Serves one federation-2 subgraph: Apollo Server over HTTP and graphql-ws for its
 * subscriptions, both on `/graphql`, plus the subgraph's own REST routes.
 */
export async function startSubgraphServer(options: SubgraphServerOptions): Promise<RunningSubgraph> {
  const typeDefs = parse(options.sdl);
  const schema = buildSubgraphSchema({ typeDefs, resolvers: options.resolvers as GraphQLResolverMap<unknown> });
  const policies = extractPolicies(typeDefs);
  const publicFields = new Set(options.auth?.publicFields ?? []);
  const authenticate = async (headers: IncomingMessage['headers'], remoteAddress: string | null): Promise<RequestAuth> => {
    if (!options.auth) return { principal: null, ip: remoteAddress, authorization: null };
    try {
      return await authenticateRequest(options.auth.verifier, headers, remoteAddress);
    } catch (error) {
      throw error instanceof EmpireError ? authError(error) : error;
    }
  };
  const enforce: ApolloServerPlugin<RequestAuth> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, contextValue }) {
          if (!options.auth) return;
          const refusal = authorizeOperation(schema, document, operationName, contextValue, policies, publicFields);
          if (refusal) throw refusal;
        },
      };
    },
  };
  const apollo = new ApolloServer<RequestAuth>({
    // the process stops its parts itself, in order; Apollo would re-raise the signal and cut that short
    stopOnTerminationSignals: false,
    schema,
    // inline traces only feed Apollo's hosted studio
    plugins: [ApolloServerPluginInlineTraceDisabled(), enforce, ...(options.plugins ?? [])],
    formatError: formatEmpireError,
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();
  const logger = options.logger.child({ subgraph: options.name });
  const http = await startHttpServer<RequestAuth>({
    host: options.host,
    port: options.port,
    routes: [healthRoutes({ checks: options.readiness ?? [], info: () => ({ subgraph: options.name }) }), ...(options.routes ?? [])],
    graphql: { apollo, context: (req) => authenticate(req.headers, req.socket.remoteAddress ?? null) },
    webSocket: (wss) => {
      const disposable = useServer(
        {
          schema,
          context: (ctx) => ctx.extra.auth,
          onConnect: async (ctx) => {
            const params = ctx.connectionParams ?? {};
            const authorization = typeof params.authorization === 'string' ? params.authorization : (ctx.extra.request.headers.authorization ?? null);
            try {
              (ctx.extra as { auth?: RequestAuth }).auth = await authenticate(
                { ...ctx.extra.request.headers, authorization: authorization ?? undefined },
                ctx.extra.request.socket.remoteAddress ?? null,
              );
              return true;
            } catch {
              return false;
            }
          },
          onSubscribe: (ctx, _id, payload) => {
            if (!options.auth) return;
            const auth = (ctx.extra as { auth?: RequestAuth }).auth ?? { principal: null, ip: null, authorization: null };
            let document: ReturnType<typeof parse>;
            try {
              document = parse(payload.query);
            } catch (error) {
              return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
            }
            const refusal = authorizeOperation(schema, document, payload.operationName, auth, policies, publicFields);
            return refusal ? [refusal] : undefined;
          },
          onError: (_ctx, _id, _payload, errors) => {
            logger.warn({ errors: errors.map((e) => e.message) }, 'subscription failed');
          },
        },
        wss,
      );
      return { dispose: () => disposable.dispose() };
    },
  });
  let closing: Promise<void> | undefined;
  return {
    ...http,
    name: options.name,
    sdl: options.sdl,
    graphqlUrl: `${http.url}/graphql`,
    close: () => {
      closing ??= http.close().then(() => apollo.stop());
      return closing;
    },
  };
}
