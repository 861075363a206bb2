import type { PolicyMap } from '@empire/platform';

export type Criticality = 'SAFE' | 'DANGEROUS' | 'BREAKING';
export type RiskLevel = 'NONE' | Criticality;
export type PublishStatus = 'PUBLISHED' | 'UNCHANGED' | 'REJECTED';
export type CheckStatus = 'PASSED' | 'UNCHANGED' | 'REJECTED';

/** A subgraph as published: everything needed to compose it again. */
export interface SubgraphDefinition {
  name: string;
  url: string;
  sdl: string;
}

export interface SchemaChangeRecord {
  type: string;
  criticality: Criticality;
  path: string | null;
  message: string;
  reason: string | null;
  security: boolean;
}

export interface SchemaVersionRecord {
  id: number;
  version: number;
  createdAt: Date;
  author: string | null;
  commit: string | null;
  message: string | null;
  trigger: 'PUBLISH' | 'ROLLBACK';
  subgraphName: string | null;
  rolledBackTo: number | null;
  riskLevel: RiskLevel;
  isActive: boolean;
  subgraphs: SubgraphDefinition[];
  supergraphSdl: string;
  apiSchemaSdl: string;
  gatewaySupergraphSdl: string | null;
  policies: PolicyMap;
  changeCount: number;
}

export interface PublishInput extends SubgraphDefinition {
  author?: string | null;
  commit?: string | null;
  message?: string | null;
}

export interface PublishResult {
  status: PublishStatus;
  version: SchemaVersionRecord | null;
  changes: SchemaChangeRecord[];
  errors: string[];
}

export interface CheckResult {
  status: CheckStatus;
  changes: SchemaChangeRecord[];
  errors: string[];
}

const ORDER: RiskLevel[] = ['NONE', 'SAFE', 'DANGEROUS', 'BREAKING'];

/** The highest criticality among `changes` (NONE when there are none). */
export function riskOf(changes: readonly SchemaChangeRecord[]): RiskLevel {
  return changes.reduce<RiskLevel>((highest, change) => (ORDER.indexOf(change.criticality) > ORDER.indexOf(highest) ? change.criticality : highest), 'NONE');
}
