import { createLogger } from '@empire/platform';
import { type RunningSubgraph, type SubgraphResolvers, startSubgraphServer } from '@empire/platform/graphql';

export const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable"])';

/** A small real subgraph, as a neuron would run it. */
export function startNeuron(name: string, sdl: string, resolvers: SubgraphResolvers<unknown>): Promise<RunningSubgraph> {
  return startSubgraphServer({ name, sdl, resolvers, host: '127.0.0.1', port: 0, logger: createLogger({ name, level: 'silent' }) });
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  version: string | null;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** POSTs a GraphQL operation and returns the status, the served supergraph version and the body. */
export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  credential?: string,
): Promise<GraphQLResponse<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (credential) headers.authorization = `Bearer ${credential}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status' | 'version'>;
  return { status: response.status, version: response.headers.get('x-empire-supergraph-version'), ...body };
}
