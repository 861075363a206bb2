import type { Database, PolicyMap } from '@empire/platform';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RiskLevel, SchemaChangeRecord, SchemaVersionRecord, SubgraphDefinition } from './types.ts';

interface VersionRow {
  id: string | number;
  version: number;
  created_at: Date;
  author: string | null;
  commit_sha: string | null;
  message: string | null;
  trigger: 'PUBLISH' | 'ROLLBACK';
  subgraph_name: string | null;
  rolled_back_to: number | null;
  risk_level: RiskLevel;
  is_active: boolean;
  subgraphs: SubgraphDefinition[];
  supergraph_sdl: string;
  api_schema_sdl: string;
  gateway_supergraph_sdl: string | null;
  policies: PolicyMap;
  change_count: string | number;
}

const VERSION_COLUMNS = `v.id, v.version, v.created_at, v.author, v.commit_sha, v.message, v.trigger, v.subgraph_name, v.rolled_back_to,
  v.risk_level, v.is_active, v.subgraphs, v.supergraph_sdl, v.api_schema_sdl, v.gateway_supergraph_sdl, v.policies,
  (select count(*) from schema_changes c where c.version_id = v.id) as change_count`;

function toVersion(row: VersionRow): SchemaVersionRecord {
  return {
    id: Number(row.id),
    version: row.version,
    createdAt: new Date(row.created_at),
    author: row.author,
    commit: row.commit_sha,
    message: row.message,
    trigger: row.trigger,
    subgraphName: row.subgraph_name,
    rolledBackTo: row.rolled_back_to,
    riskLevel: row.risk_level,
    isActive: row.is_active,
    subgraphs: row.subgraphs,
    supergraphSdl: row.supergraph_sdl,
    apiSchemaSdl: row.api_schema_sdl,
    gatewaySupergraphSdl: row.gateway_supergraph_sdl,
    policies: row.policies ?? {},
    changeCount: Number(row.change_count),
  };
}

// Publishes and rollbacks run one at a time, so each composes against the version that is
// really active when it commits.
const REGISTRY_LOCK_KEY = 727_010;

export interface NewVersion {
  supergraphSdl: string;
  apiSchemaSdl: string;
  gatewaySupergraphSdl: string;
  policies: PolicyMap;
  subgraphs: SubgraphDefinition[];
  riskLevel: RiskLevel;
  trigger: 'PUBLISH' | 'ROLLBACK';
  subgraphName: string | null;
  author: string | null;
  commit: string | null;
  message: string | null;
  rolledBackTo: number | null;
  changes: SchemaChangeRecord[];
}

/** The only place the registry talks to the database. */
export class SchemaVersionStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Runs `work` in a transaction that holds the registry lock. */
  async locked<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.#db.transaction(async (em) => {
      await em.getConnection().execute('select pg_advisory_xact_lock(?)', [REGISTRY_LOCK_KEY], 'all', em.getTransactionContext());
      return work(em);
    });
  }

  async active(em?: EntityManager): Promise<SchemaVersionRecord | null> {
    const rows = await this.#select(`select ${VERSION_COLUMNS} from schema_versions v where v.is_active order by v.version desc limit 1`, [], em);
    return rows[0] ?? null;
  }

  async byVersion(version: number, em?: EntityManager): Promise<SchemaVersionRecord | null> {
    const rows = await this.#select(`select ${VERSION_COLUMNS} from schema_versions v where v.version = ?`, [version], em);
    return rows[0] ?? null;
  }

  async byId(id: number): Promise<SchemaVersionRecord | null> {
    const rows = await this.#select(`select ${VERSION_COLUMNS} from schema_versions v where v.id = ?`, [id]);
    return rows[0] ?? null;
  }

  async history(limit: number): Promise<SchemaVersionRecord[]> {
    return this.#select(`select ${VERSION_COLUMNS} from schema_versions v order by v.version desc limit ?`, [limit]);
  }

  async changesOf(versionId: number): Promise<SchemaChangeRecord[]> {
    return this.#db.query<SchemaChangeRecord>(
      `select type, criticality, path, message, reason, security from schema_changes where version_id = ? order by
         case criticality when 'BREAKING' then 0 when 'DANGEROUS' then 1 else 2 end, id`,
      [versionId],
    );
  }

  /** Stores a version, makes it the only active one, and stores its changes. */
  async insertActive(em: EntityManager, input: NewVersion, parentId: number | null): Promise<SchemaVersionRecord> {
    const connection = em.getConnection();
    const ctx = em.getTransactionContext();
    await connection.execute('update schema_versions set is_active = false, updated_at = now() where is_active', [], 'run', ctx);
    const inserted = await connection.execute<{ id: string }[]>(
      `insert into schema_versions (version, supergraph_sdl, api_schema_sdl, gateway_supergraph_sdl, policies, subgraphs, risk_level, trigger, subgraph_name, author, commit_sha, message, rolled_back_to, is_active, parent_id)
       values ((select coalesce(max(version), 0) + 1 from schema_versions), ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, true, ?) returning id`,
      [
        input.supergraphSdl,
        input.apiSchemaSdl,
        input.gatewaySupergraphSdl,
        JSON.stringify(input.policies),
        JSON.stringify(input.subgraphs),
        input.riskLevel,
        input.trigger,
        input.subgraphName,
        input.author,
        input.commit,
        input.message,
        input.rolledBackTo,
        parentId,
      ],
      'all',
      ctx,
    );
    const id = Number(inserted[0]?.id);
    for (const change of input.changes) {
      await connection.execute(
        'insert into schema_changes (version_id, type, criticality, path, message, reason, security) values (?, ?, ?, ?, ?, ?, ?)',
        [id, change.type, change.criticality, change.path, change.message, change.reason, change.security],
        'run',
        ctx,
      );
    }
    const rows = await this.#select(`select ${VERSION_COLUMNS} from schema_versions v where v.id = ?`, [id], em);
    return rows[0] as SchemaVersionRecord;
  }

  async #select(sql: string, params: unknown[], em?: EntityManager): Promise<SchemaVersionRecord[]> {
    const rows = em
      ? await em.getConnection().execute<VersionRow[]>(sql, params, 'all', em.getTransactionContext())
      : await this.#db.query<VersionRow>(sql, params);
    return rows.map(toVersion);
  }
}
