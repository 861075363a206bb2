import { type RunningSubgraph, startSubgraphServer } from '@empire/platform/graphql';
import { LOOPBACK, silentLogger } from './bench-stack.ts';

export const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])';

const padded = (index: number): string => String(index).padStart(3, '0');

export const itemSubgraphName = (index: number): string => `bench-${padded(index)}`;

/** The field a publish adds in revision `revision` (1-based); it resolves to its own name. */
export const revisionField = (revision: number): string => `revision${revision}`;

/** A query for the index-th subgraph's own field, to see whether a gateway routes to it. */
export const itemsQuery = (index: number): { query: string; field: string } => ({
  query: `{ items${padded(index)} { id name } }`,
  field: `items${padded(index)}`,
});

/**
 * SDL of the index-th synthetic subgraph: an entity of its own and a root field listing it,
 * plus the first `revisions` revision fields.
 */
export function itemSubgraphSdl(index: number, revisions = 0): string {
  const id = padded(index);
  const revisionLines = Array.from({ length: revisions }, (_, r) => `  ${revisionField(r + 1)}: String\n`).join('');
  return `${FEDERATION_LINK}
type Item${id} @key(fields: "id") {
  id: ID!
  name: String!
}
type Query {
  items${id}: [Item${id}!]!
${revisionLines}}
`;
}

/**
 * Serves the index-th synthetic subgraph. It serves `revisionCapacity` revision fields from the
 * start, the way a neuron deploys its new code before it publishes the schema that exposes it.
 */
export function startItemSubgraph(index: number, revisionCapacity = 0): Promise<RunningSubgraph> {
  const id = padded(index);
  const revisions = Array.from({ length: revisionCapacity }, (_, r) => revisionField(r + 1));
  return startSubgraphServer({
    name: itemSubgraphName(index),
    sdl: itemSubgraphSdl(index, revisionCapacity),
    resolvers: {
      Query: {
        [`items${id}`]: () => [{ id: '1', name: `item ${id}` }],
        ...Object.fromEntries(revisions.map((field) => [field, () => field])),
      },
    },
    host: LOOPBACK,
    port: 0,
    logger: silentLogger,
  });
}
