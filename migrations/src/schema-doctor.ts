import { type Database, errorMessage, type Logger, quoteIdentifier } from '@empire/platform';
import type { ForeignKey } from '@mikro-orm/postgresql';
import { diffLiveSchema, missingForeignKeys, problemsOf, type SchemaProblem, safeStructuralDiff } from './schema-diff.ts';

export type { SchemaProblem };

export interface SchemaReport {
  healthy: boolean;
  problems: SchemaProblem[];
}

export interface HealResult {
  /** Problems that were repaired. */
  repaired: SchemaProblem[];
  /** Repairs that were tried and failed, with the database's reason. */
  failed: { problem: SchemaProblem; error: string }[];
  /** The state after healing: what `check` says now. */
  report: SchemaReport;
}

/** Quotes a possibly schema-qualified name: public.alerts → "public"."alerts". */
const quoteQualified = (name: string) => name.split('.').map(quoteIdentifier).join('.');

async function emptyTablesOf(db: Database, tables: string[]): Promise<Set<string>> {
  const empty = new Set<string>();
  for (const table of tables) {
    const rows = await db.query<{ has_rows: boolean }>(`select exists (select 1 from ${quoteIdentifier(table)}) as has_rows`);
    if (!rows[0]?.has_rows) empty.add(table);
  }
  return empty;
}

async function unvalidatedForeignKeys(db: Database): Promise<SchemaProblem[]> {
  const rows = await db.query<{ table_name: string; constraint_name: string }>(
    `select c.conrelid::regclass::text as table_name, c.conname as constraint_name
       from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where c.contype = 'f' and not c.convalidated and n.nspname = current_schema()`,
  );
  return rows.map((row) => ({
    kind: 'unvalidated_foreign_key',
    table: row.table_name.replaceAll('"', ''),
    detail: `foreign key "${row.constraint_name}" is enforced for new rows but existing rows reference missing ones; fix or delete them, then run: alter table ${row.table_name} validate constraint "${row.constraint_name}"`,
    safe: false,
  }));
}

/**
 * Compares the live database with the entities: tables, columns, types, nullability, defaults,
 * indexes, unique, check and foreign-key constraints.
 */
export async function checkSchema(db: Database): Promise<SchemaReport> {
  const diff = await diffLiveSchema(db);
  const empty = await emptyTablesOf(
    db,
    Object.values(diff.changedTables).map((t) => t.name),
  );
  const problems = [...problemsOf(diff, empty), ...(await unvalidatedForeignKeys(db))];
  return { healthy: problems.length === 0, problems };
}

/**
 * Repairs the safe problems in place: creates missing tables, columns, indexes, constraints and
 * foreign keys. Never drops, renames or retypes anything, so no row is lost. A foreign key whose
 * existing rows do not satisfy it is added NOT VALID (enforced from now on) and reported.
 */
export async function healSchema(db: Database, logger: Logger): Promise<HealResult> {
  const before = await checkSchema(db);
  const safeProblems = before.problems.filter((p) => p.safe);
  if (safeProblems.length === 0) return { repaired: [], failed: [], report: before };

  const diff = await diffLiveSchema(db);
  const empty = await emptyTablesOf(
    db,
    Object.values(diff.changedTables).map((t) => t.name),
  );
  const failed: HealResult['failed'] = [];
  const structuralSql = db.orm.schema.diffToSQL(safeStructuralDiff(diff, empty), { wrap: false, safe: true, dropTables: false });
  if (structuralSql.trim()) {
    try {
      await db.transaction((em) => db.orm.schema.execute(structuralSql, { ctx: em.getTransactionContext() }));
      logger.info({ sql: structuralSql }, 'schema doctor applied structural repairs');
    } catch (error) {
      const reason = errorMessage(error);
      for (const problem of safeProblems.filter((p) => p.kind !== 'missing_foreign_key')) failed.push({ problem, error: reason });
      logger.error({ err: reason }, 'schema doctor could not apply structural repairs');
    }
  }
  for (const fk of missingForeignKeys(diff)) {
    const problem = safeProblems.find((p) => p.kind === 'missing_foreign_key' && p.detail.includes(fk.constraintName));
    try {
      await addForeignKey(db, fk);
    } catch (error) {
      if (problem) failed.push({ problem, error: errorMessage(error) });
    }
  }
  const report = await checkSchema(db);
  const stillThere = new Set(report.problems.map((p) => `${p.kind}|${p.table}|${p.detail}`));
  const repaired = safeProblems.filter((p) => !stillThere.has(`${p.kind}|${p.table}|${p.detail}`) && !failed.some((f) => f.problem === p));
  return { repaired, failed, report };
}

async function addForeignKey(db: Database, fk: ForeignKey): Promise<void> {
  const columns = fk.columnNames.map(quoteIdentifier).join(', ');
  const referenced = fk.referencedColumnNames.map(quoteIdentifier).join(', ');
  const onDelete = fk.deleteRule ? ` on delete ${fk.deleteRule}` : '';
  const onUpdate = fk.updateRule ? ` on update ${fk.updateRule}` : '';
  await db.query(
    `alter table ${quoteQualified(fk.localTableName)} add constraint ${quoteIdentifier(fk.constraintName)} foreign key (${columns}) references ${quoteQualified(fk.referencedTableName)} (${referenced})${onDelete}${onUpdate} not valid`,
  );
  // validation fails when existing rows point at rows that no longer exist: the constraint then
  // stays NOT VALID and `check` reports it, rather than heal deleting anyone's data
  await db.query(`alter table ${quoteQualified(fk.localTableName)} validate constraint ${quoteIdentifier(fk.constraintName)}`).catch(() => {});
}
