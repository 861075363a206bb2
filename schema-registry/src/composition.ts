import { composeServices } from '@apollo/composition';
import { type Change, CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema, GraphQLError, type GraphQLSchema, parse, printSchema } from 'graphql';
import { type GatewaySupergraph, gatewaySupergraph } from './security-features.ts';
import type { Criticality, SchemaChangeRecord, SubgraphDefinition } from './types.ts';

export interface ComposedSupergraph {
  supergraphSdl: string;
  apiSchemaSdl: string;
  apiSchema: GraphQLSchema;
  /** The copy @apollo/gateway can load, and the access rules taken out of it. */
  gateway: GatewaySupergraph;
}

export type CompositionOutcome = { ok: true; supergraph: ComposedSupergraph } | { ok: false; errors: string[] };

function describeGraphQLError(error: GraphQLError, subgraph?: string): string {
  const where = error.locations?.map((l) => `line ${l.line}, column ${l.column}`).join('; ');
  return `${subgraph ? `[${subgraph}] ` : ''}${error.message}${where ? ` (${where})` : ''}`;
}

/** Parses each subgraph's SDL; returns every syntax error with its subgraph and location. */
export function parseErrors(subgraphs: readonly SubgraphDefinition[]): string[] {
  const errors: string[] = [];
  for (const subgraph of subgraphs) {
    try {
      parse(subgraph.sdl);
    } catch (error) {
      errors.push(error instanceof GraphQLError ? describeGraphQLError(error, subgraph.name) : `[${subgraph.name}] ${String(error)}`);
    }
  }
  return errors;
}

/** Composes a supergraph from `subgraphs` with @apollo/composition, and derives its API schema. */
export function composeSupergraph(subgraphs: readonly SubgraphDefinition[]): CompositionOutcome {
  const syntax = parseErrors(subgraphs);
  if (syntax.length) return { ok: false, errors: syntax };
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors) return { ok: false, errors: result.errors.map((e) => describeGraphQLError(e)) };
  // the API schema is what clients see: no join__ or link__ machinery to show up in diffs
  const apiSchema = result.schema.toAPISchema().toGraphQLJSSchema();
  return {
    ok: true,
    supergraph: { supergraphSdl: result.supergraphSdl, apiSchemaSdl: printSchema(apiSchema), apiSchema, gateway: gatewaySupergraph(result.supergraphSdl) },
  };
}

const CRITICALITY: Record<CriticalityLevel, Criticality> = {
  [CriticalityLevel.Breaking]: 'BREAKING',
  [CriticalityLevel.Dangerous]: 'DANGEROUS',
  [CriticalityLevel.NonBreaking]: 'SAFE',
};

function toRecord(change: Change): SchemaChangeRecord {
  return {
    type: change.type,
    criticality: CRITICALITY[change.criticality.level],
    path: change.path ?? null,
    message: change.message,
    reason: change.criticality.reason ?? null,
    security: false,
  };
}

/** The changes between two API schemas (null: no previous version) with @graphql-inspector/core. */
export async function diffApiSchemas(previousSdl: string | null, next: GraphQLSchema): Promise<SchemaChangeRecord[]> {
  const previous = previousSdl ? buildSchema(previousSdl) : null;
  const changes = await diff(previous, next);
  return changes.map(toRecord);
}

/** Every "Type.field" of a schema's object and interface types. */
export function fieldCoordinates(schema: GraphQLSchema): Set<string> {
  const coordinates = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !('getFields' in type)) continue;
    for (const field of Object.keys(type.getFields())) coordinates.add(`${type.name}.${field}`);
  }
  return coordinates;
}

export { buildSchema };
