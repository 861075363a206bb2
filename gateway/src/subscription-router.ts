import type { IncomingHttpHeaders } from 'node:http';
import { Supergraph } from '@apollo/federation-internals';
import type { ApolloServer } from '@apollo/server';
import { errorMessage, findUnauthorizedFields, type Logger, type PolicyMap } from '@empire/platform';
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  Kind,
  parse,
  print,
  validate,
} from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import WebSocket, { type WebSocketServer } from 'ws';
import type { GatewayContext } from './field-policy-plugin.ts';

interface SubgraphRoute {
  subgraph: string;
  url: string;
  schema: GraphQLSchema;
}

interface RoutingTable {
  version: number;
  apiSchema: GraphQLSchema;
  /** Subscription root field → the subgraph that resolves it. */
  subscriptions: Map<string, SubgraphRoute>;
  /** "Type.field" → subgraph names that define it, for clear errors. */
  owners: Map<string, string[]>;
}

interface RoutedContext {
  route?: SubgraphRoute;
  field?: string;
  auth: GatewayContext;
}

interface ActiveSubscription {
  field: string;
  route: SubgraphRoute;
  end: (finalError?: string) => void;
}

/** Builds the routing table of a supergraph: who owns each subscription field. */
export function routingTableOf(version: number, supergraphSdl: string): RoutingTable {
  const supergraph = Supergraph.build(supergraphSdl);
  const subscriptions = new Map<string, SubgraphRoute>();
  const owners = new Map<string, string[]>();
  for (const subgraph of supergraph.subgraphs().values()) {
    const schema = subgraph.schema.toGraphQLJSSchema();
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('_') || !('getFields' in type)) continue;
      for (const field of Object.keys(type.getFields())) {
        const key = `${type.name}.${field}`;
        owners.set(key, [...(owners.get(key) ?? []), subgraph.name]);
      }
    }
    for (const field of Object.keys(schema.getSubscriptionType()?.getFields() ?? {})) {
      if (!subscriptions.has(field)) subscriptions.set(field, { subgraph: subgraph.name, url: subgraph.url, schema });
    }
  }
  return { version, apiSchema: supergraph.apiSchema().toGraphQLJSSchema(), subscriptions, owners };
}

function toWebSocketUrl(url: string): string {
  return url.replace(/^http/, 'ws');
}

/** Explains a validation error against the owning subgraph in terms of who owns the field. */
function explain(error: GraphQLError, route: SubgraphRoute, table: RoutingTable): GraphQLError {
  const match = /Cannot query field "(\w+)" on type "(\w+)"/.exec(error.message);
  if (!match) return error;
  const [, field, type] = match;
  const owners = table.owners.get(`${type}.${field}`);
  if (!owners?.length) return error;
  return new GraphQLError(
    `Field "${type}.${field}" is resolved by subgraph ${owners.map((o) => `"${o}"`).join(', ')}; a subscription through the gateway can select only fields of the subgraph that owns it ("${route.subgraph}") for now`,
    { extensions: { code: 'BAD_USER_INPUT' } },
  );
}

/**
 * graphql-ws on the gateway. Queries and mutations go through Apollo Gateway; each
 * subscription goes over graphql-ws to the subgraph that owns its root field (read from the
 * supergraph's join directives). A supergraph reload keeps every subscription whose field still
 * exists in the same subgraph; the others end with an error saying why.
 */
export class SubscriptionRouter {
  readonly #logger: Logger;
  readonly #apollo: ApolloServer<GatewayContext>;
  readonly #authenticate: (headers: IncomingHttpHeaders, remoteAddress: string | null) => Promise<GatewayContext>;
  readonly #policies: () => PolicyMap;
  readonly #clients = new Map<string, Client>();
  readonly #active = new Set<ActiveSubscription>();
  #table: RoutingTable | null = null;

  constructor(deps: {
    apollo: ApolloServer<GatewayContext>;
    logger: Logger;
    authenticate: (headers: IncomingHttpHeaders, remoteAddress: string | null) => Promise<GatewayContext>;
    policies: () => PolicyMap;
  }) {
    this.#apollo = deps.apollo;
    this.#authenticate = deps.authenticate;
    this.#policies = deps.policies;
    this.#logger = deps.logger.child({ component: 'subscription-router' });
  }

  get activeCount(): number {
    return this.#active.size;
  }

  /** Re-reads routes from a new supergraph and ends subscriptions whose field is gone. */
  applySupergraph(version: number, supergraphSdl: string): void {
    const table = routingTableOf(version, supergraphSdl);
    this.#table = table;
    for (const subscription of this.#active) {
      const route = table.subscriptions.get(subscription.field);
      if (!route || route.subgraph !== subscription.route.subgraph) {
        subscription.end(
          `Subscription field "${subscription.field}" is no longer served by subgraph "${subscription.route.subgraph}" (supergraph version ${version})`,
        );
      }
    }
    for (const [key, client] of this.#clients) {
      if (![...table.subscriptions.values()].some((r) => key.startsWith(`${r.url} `))) {
        void client.dispose();
        this.#clients.delete(key);
      }
    }
  }

  attach(wss: WebSocketServer): { dispose: () => Promise<void> } {
    const server = useServer(
      {
        onConnect: async (ctx) => {
          const params = ctx.connectionParams ?? {};
          const authorization = typeof params.authorization === 'string' ? params.authorization : ctx.extra.request.headers.authorization;
          try {
            (ctx.extra as { auth?: GatewayContext }).auth = await this.#authenticate(
              { ...ctx.extra.request.headers, authorization },
              ctx.extra.request.socket.remoteAddress ?? null,
            );
            return true;
          } catch {
            // graphql-ws closes the socket with 4403 Forbidden
            return false;
          }
        },
        onSubscribe: (ctx, _id, payload) => {
          const auth = (ctx.extra as { auth?: GatewayContext }).auth ?? { principal: null, ip: null, authorization: null };
          return this.#prepare(payload.query, payload.operationName ?? undefined, payload.variables ?? undefined, auth);
        },
        execute: (args) => this.#execute(args),
        subscribe: (args) => this.#subscribe(args),
      },
      wss,
    );
    return {
      dispose: async () => {
        for (const subscription of this.#active) subscription.end();
        await server.dispose();
        await Promise.all([...this.#clients.values()].map((c) => c.dispose()));
        this.#clients.clear();
      },
    };
  }

  #prepare(
    query: string,
    operationName: string | undefined,
    variables: Record<string, unknown> | undefined,
    auth: GatewayContext,
  ): ExecutionArgs | readonly GraphQLError[] {
    const table = this.#table;
    if (!table) return [new GraphQLError('The gateway has no supergraph loaded yet', { extensions: { code: 'UPSTREAM_FAILED' } })];
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return [error instanceof GraphQLError ? error : new GraphQLError(errorMessage(error))];
    }
    const operation = getOperationAST(document, operationName);
    if (!operation)
      return [new GraphQLError(operationName ? `Unknown operation "${operationName}"` : 'The document must hold exactly one operation, or name one')];
    if (operation.operation !== 'subscription') {
      const errors = validate(table.apiSchema, document);
      const contextValue: RoutedContext = { auth };
      return errors.length ? errors : { schema: table.apiSchema, document, operationName, variableValues: variables, contextValue };
    }
    const denied = findUnauthorizedFields(table.apiSchema, document, operation, this.#policies(), auth.principal);
    if (denied.length) {
      return denied.map(
        (d) =>
          new GraphQLError(`${d.code === 'UNAUTHENTICATED' ? 'Authentication required for' : 'Not allowed to access'} ${d.coordinate}`, {
            extensions: { code: d.code },
          }),
      );
    }
    const root = operation.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value !== '__typename');
    const field = root?.name.value;
    const route = field ? table.subscriptions.get(field) : undefined;
    if (!field || !route)
      return [
        new GraphQLError(`Subscription field "${field ?? '(none)'}" does not exist in supergraph version ${table.version}`, {
          extensions: { code: 'BAD_USER_INPUT' },
        }),
      ];
    const errors = validate(route.schema, document);
    if (errors.length) return errors.map((e) => explain(e, route, table));
    const contextValue: RoutedContext = { route, field, auth };
    return { schema: table.apiSchema, document, operationName, variableValues: variables, contextValue };
  }

  async #execute(args: ExecutionArgs): Promise<ExecutionResult> {
    const { auth } = args.contextValue as RoutedContext;
    const response = await this.#apollo.executeOperation(
      {
        query: print(args.document),
        operationName: args.operationName ?? undefined,
        variables: (args.variableValues ?? undefined) as Record<string, unknown> | undefined,
      },
      { contextValue: { ...auth } },
    );
    if (response.body.kind !== 'single') return { errors: [new GraphQLError('Incremental delivery is not supported over WebSocket')] };
    const { data, errors, extensions } = response.body.singleResult;
    return { data: data ?? null, errors: errors?.map((e) => new GraphQLError(e.message, { extensions: e.extensions })), extensions } as ExecutionResult;
  }

  /** One upstream connection per subgraph and credential: subgraphs verify each caller. */
  #client(url: string, authorization: string | null): Client {
    const key = `${url} ${authorization ?? ''}`;
    let client = this.#clients.get(key);
    if (!client) {
      client = createClient({
        url: toWebSocketUrl(url),
        connectionParams: authorization ? { authorization } : {},
        webSocketImpl: WebSocket,
        lazy: true,
        // subgraphs restart; graphql-ws re-subscribes every operation after reconnecting
        retryAttempts: Number.POSITIVE_INFINITY,
        shouldRetry: () => true,
        keepAlive: 10_000,
      });
      this.#clients.set(key, client);
    }
    return client;
  }

  #subscribe(args: ExecutionArgs): AsyncIterableIterator<ExecutionResult> {
    const { route, field, auth } = args.contextValue as RoutedContext;
    if (!route || !field) throw new Error('subscription reached the router without a route');
    const upstream = this.#client(route.url, auth.authorization).iterate({
      query: print(args.document),
      operationName: args.operationName ?? undefined,
      variables: (args.variableValues ?? undefined) as Record<string, unknown> | undefined,
    });
    let ended = false;
    let finalError: string | undefined;
    let release: (() => void) | undefined;
    const endSignal = new Promise<void>((resolve) => {
      release = resolve;
    });
    const subscription: ActiveSubscription = {
      field,
      route,
      end: (error) => {
        finalError = error;
        ended = true;
        release?.();
      },
    };
    this.#active.add(subscription);
    this.#logger.debug({ field, subgraph: route.subgraph }, 'subscription routed');
    const finish = async () => {
      this.#active.delete(subscription);
      await upstream.return?.();
    };
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      next: async () => {
        if (ended) {
          await finish();
          if (finalError) {
            const error = finalError;
            finalError = undefined;
            return { done: false, value: { errors: [new GraphQLError(error, { extensions: { code: 'UPSTREAM_FAILED' } })] } };
          }
          return { done: true, value: undefined };
        }
        const result = await Promise.race([upstream.next(), endSignal.then(() => null)]);
        if (result === null) return iterator.next();
        if (result.done) await finish();
        return result as IteratorResult<ExecutionResult>;
      },
      return: async () => {
        ended = true;
        finalError = undefined;
        release?.();
        await finish();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}
