/** The parts of the gateway's schema the admin reads, as TypeScript types. */

export type RiskLevel = 'NONE' | 'SAFE' | 'DANGEROUS' | 'BREAKING';

export type Criticality = 'SAFE' | 'DANGEROUS' | 'BREAKING';

export interface SchemaChange {
  type: string;
  criticality: Criticality;
  path: string | null;
  message: string;
  reason: string | null;
  security: boolean;
}

export interface SubgraphRef {
  name: string;
  url: string;
}

/** The fields of a SchemaVersion the history table and the active-version card show. */
export interface SchemaVersionSummary {
  id: string;
  version: number;
  createdAt: string;
  author: string | null;
  commit: string | null;
  message: string | null;
  trigger: string;
  subgraphName: string | null;
  rolledBackTo: number | null;
  riskLevel: RiskLevel;
  isActive: boolean;
  changeCount: number;
}

export interface SchemaVersionDetail extends SchemaVersionSummary {
  changes: SchemaChange[];
  subgraphs: SubgraphRef[];
  apiSchemaSdl: string;
}

export interface PublishResult {
  status: string;
  version: { version: number } | null;
  changes: Pick<SchemaChange, 'criticality'>[];
  errors: string[];
}

export interface DbHealth {
  ok: boolean;
  checkedAt: string;
  database: string;
  tables: { name: string; rowCount: number; sizeBytes: number }[];
  indexes: { table: string; name: string; scans: number; sizeBytes: number; unique: boolean }[];
  migrations: { applied: string[]; pending: string[] };
  schemaProblems: { kind: string; table: string; detail: string; safe: boolean }[];
  recentAlerts: { id: string; kind: string; severity: string; source: string; message: string; createdAt: string }[];
}

/** GraphQL selection for SchemaVersionSummary, shared by every query that lists versions. */
export const SCHEMA_VERSION_SUMMARY_FIELDS = `
  id
  version
  createdAt
  author
  commit
  message
  trigger
  subgraphName
  rolledBackTo
  riskLevel
  isActive
  changeCount
`;
