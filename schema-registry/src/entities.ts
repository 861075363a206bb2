import { commonColumns } from '@empire/platform';
import { defineEntity, p } from '@mikro-orm/core';

/** One composed supergraph with the subgraph set it was composed from. */
export const SchemaVersionEntity = defineEntity({
  name: 'SchemaVersion',
  tableName: 'schema_versions',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    version: p.integer().unique('schema_versions_version_unique'),
    supergraphSdl: p.text(),
    apiSchemaSdl: p.text(),
    // what Apollo Gateway loads: the supergraph without SECURITY features, which it refuses
    gatewaySupergraphSdl: p.text().nullable(),
    // field coordinate → { authenticated, scopes } taken from those features, enforced by gateways
    policies: p.json<Record<string, { authenticated: boolean; scopes: string[][] }>>().defaultRaw(`'{}'`),
    // [{ name, url, sdl }]: everything needed to compose this version again
    subgraphs: p.json<{ name: string; url: string; sdl: string }[]>(),
    riskLevel: p.enum(['NONE', 'SAFE', 'DANGEROUS', 'BREAKING'] as const),
    trigger: p.enum(['PUBLISH', 'ROLLBACK'] as const),
    subgraphName: p.string().length(200).nullable(),
    author: p.string().length(200).nullable(),
    commitSha: p.string().length(200).nullable(),
    message: p.text().nullable(),
    rolledBackTo: p.integer().nullable(),
    isActive: p.boolean().default(false).index('schema_versions_is_active_index'),
    parent: () => p.manyToOne(SchemaVersionEntity).nullable().deleteRule('set null').fieldName('parent_id'),
    ...commonColumns(),
  },
  indexes: [
    { name: 'schema_versions_created_at_index', properties: ['createdAt'] },
    { name: 'schema_versions_parent_id_index', properties: ['parent'] },
  ],
});

/** One change between a version and the version it replaced. */
export const SchemaChangeEntity = defineEntity({
  name: 'SchemaChange',
  tableName: 'schema_changes',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    version: () => p.manyToOne(SchemaVersionEntity).deleteRule('cascade').fieldName('version_id'),
    type: p.string().length(120),
    criticality: p.enum(['SAFE', 'DANGEROUS', 'BREAKING'] as const).index('schema_changes_criticality_index'),
    path: p.string().length(500).nullable(),
    message: p.text(),
    reason: p.text().nullable(),
    security: p.boolean().default(false),
    ...commonColumns(),
  },
  indexes: [{ name: 'schema_changes_version_id_index', properties: ['version'] }],
});

export const registryEntities = [SchemaVersionEntity, SchemaChangeEntity];
