import { type Database, quoteIdentifier } from '@empire/platform';

export interface TableStat {
  name: string;
  rowCount: number;
  sizeBytes: number;
}

export interface IndexStat {
  table: string;
  name: string;
  scans: number;
  sizeBytes: number;
  unique: boolean;
}

/** The system module's reads of PostgreSQL's own statistics. */
export class SystemStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async tables(): Promise<TableStat[]> {
    const tables = await this.#db.query<{ name: string; size_bytes: string }>(
      `select c.relname as name, pg_total_relation_size(c.oid) as size_bytes
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'r' and n.nspname = current_schema() order by c.relname`,
    );
    const stats: TableStat[] = [];
    for (const table of tables) {
      // exact counts: the estimates in pg_stat lag behind for minutes on a quiet database
      const rows = await this.#db.query<{ count: string }>(`select count(*) as count from ${quoteIdentifier(table.name)}`);
      stats.push({ name: table.name, rowCount: Number(rows[0]?.count ?? 0), sizeBytes: Number(table.size_bytes) });
    }
    return stats;
  }

  async indexes(): Promise<IndexStat[]> {
    const rows = await this.#db.query<{ table_name: string; index_name: string; scans: string; size_bytes: string; is_unique: boolean }>(
      `select s.relname as table_name, s.indexrelname as index_name, s.idx_scan as scans,
              pg_relation_size(s.indexrelid) as size_bytes, i.indisunique as is_unique
         from pg_stat_user_indexes s join pg_index i on i.indexrelid = s.indexrelid
        where s.schemaname = current_schema()
        order by s.relname, s.indexrelname`,
    );
    return rows.map((r) => ({ table: r.table_name, name: r.index_name, scans: Number(r.scans), sizeBytes: Number(r.size_bytes), unique: r.is_unique }));
  }
}
