import type { IncomingMessage } from 'node:http';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { GraphQLError, parse } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { EmpireError, ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { healthRoutes, type ReadinessCheck } from './health-routes.ts';
import { type EmpireHttpServer, type RouteHandler, startHttpServer } from './http-server.ts';

export type SubgraphResolvers<TContext> = GraphQLResolverMap<TContext>;

export interface SubgraphServerOptions<TContext extends BaseContext> {
  name: string;
  sdl: string;
  resolvers: SubgraphResolvers<TContext>;
  host: string;
  port: number;
  logger: Logger;
  /** Builds the context of an HTTP request or a WebSocket connection. */
  context: (request: { headers: IncomingMessage['headers'] }) => Promise<TContext>;
  routes?: RouteHandler[];
  /** What `/health/ready` checks besides the process being up. */
  readiness?: ReadinessCheck[];
  plugins?: ApolloServerPlugin<TContext>[];
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
export async function startSubgraphServer<TContext extends BaseContext>(options: SubgraphServerOptions<TContext>): Promise<RunningSubgraph> {
  const schema = buildSubgraphSchema({ typeDefs: parse(options.sdl), resolvers: options.resolvers as GraphQLResolverMap<unknown> });
  const apollo = new ApolloServer<TContext>({
    schema,
    // inline traces only feed Apollo's hosted studio
    plugins: [ApolloServerPluginInlineTraceDisabled(), ...(options.plugins ?? [])],
    formatError: formatEmpireError,
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();
  const logger = options.logger.child({ subgraph: options.name });
  const http = await startHttpServer<TContext>({
    host: options.host,
    port: options.port,
    routes: [healthRoutes({ checks: options.readiness ?? [], info: () => ({ subgraph: options.name }) }), ...(options.routes ?? [])],
    graphql: { apollo, context: (req) => options.context({ headers: req.headers }) },
    webSocket: (wss) => {
      const disposable = useServer(
        {
          schema,
          context: (ctx) => options.context({ headers: ctx.extra.request.headers }),
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

export function badInput(message: string): EmpireError {
  return new EmpireError(ErrorCode.BadUserInput, message);
}
