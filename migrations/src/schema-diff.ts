import type { Database } from '@empire/platform';
import { type Column, DatabaseSchema, type ForeignKey, SchemaComparator, type SchemaDifference, type TableDifference } from '@mikro-orm/postgresql';
import { MIGRATIONS_TABLE } from './migrator.ts';

/** One difference between the live database and the entities. */
export interface SchemaProblem {
  kind:
    | 'missing_table'
    | 'missing_column'
    | 'missing_index'
    | 'missing_constraint'
    | 'missing_foreign_key'
    | 'missing_default'
    | 'extra_table'
    | 'extra_column'
    | 'extra_index'
    | 'extra_foreign_key'
    | 'changed_column'
    | 'changed_index'
    | 'changed_foreign_key'
    | 'unvalidated_foreign_key';
  table: string;
  detail: string;
  /** Safe problems are repaired by `check --heal`; the others are reported and left alone. */
  safe: boolean;
}

/**
 * Introspects the live database (never the migration snapshot) and compares it with the
 * entity metadata using MikroORM's own comparator.
 */
export async function diffLiveSchema(db: Database): Promise<SchemaDifference> {
  const orm = db.orm;
  const generator = orm.schema;
  const target = generator.getTargetSchema();
  const connection = orm.em.getDriver().getConnection();
  const platform = orm.em.getPlatform();
  const live = await DatabaseSchema.create(connection, platform, orm.config, undefined, target.getNamespaces(), undefined, [MIGRATIONS_TABLE]);
  return new SchemaComparator(platform).compare(live, target);
}

function describeColumn(column: Column): string {
  const nullability = column.nullable ? 'null' : 'not null';
  const defaultValue = column.default == null ? '' : ` default ${column.default}`;
  return `${column.type} ${nullability}${defaultValue}`;
}

function describeForeignKey(fk: ForeignKey): string {
  return `${fk.constraintName} (${fk.columnNames.join(', ')}) → ${fk.referencedTableName.replace(/^public\./, '')} (${fk.referencedColumnNames.join(', ')})`;
}

/** A missing NOT NULL column without default can be added only to an empty table. */
export function columnCanBeAdded(column: Column, tableIsEmpty: boolean): boolean {
  return column.nullable === true || column.default != null || column.autoincrement === true || tableIsEmpty;
}

/** Flattens a schema difference into problems, one per missing or differing object. */
export function problemsOf(diff: SchemaDifference, emptyTables: ReadonlySet<string>): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const table of Object.values(diff.newTables)) {
    problems.push({ kind: 'missing_table', table: table.name, detail: `table "${table.name}" is missing`, safe: true });
  }
  for (const table of Object.values(diff.removedTables)) {
    problems.push({ kind: 'extra_table', table: table.name, detail: `table "${table.name}" is not defined by any entity`, safe: false });
  }
  for (const tableDiff of Object.values(diff.changedTables)) {
    problems.push(...tableProblems(tableDiff, emptyTables.has(tableDiff.name)));
  }
  return problems;
}

function tableProblems(diff: TableDifference, tableIsEmpty: boolean): SchemaProblem[] {
  const table = diff.name;
  const problems: SchemaProblem[] = [];
  const push = (kind: SchemaProblem['kind'], detail: string, safe: boolean) => problems.push({ kind, table, detail, safe });

  for (const column of Object.values(diff.addedColumns)) {
    const safe = columnCanBeAdded(column, tableIsEmpty);
    push(
      'missing_column',
      `column "${column.name}" (${describeColumn(column)}) is missing${safe ? '' : '; it is NOT NULL without a default and the table holds rows'}`,
      safe,
    );
  }
  for (const column of Object.values(diff.removedColumns)) {
    push('extra_column', `column "${column.name}" (${describeColumn(column)}) is not defined by the entity; it may hold data and is left alone`, false);
  }
  for (const column of Object.values(diff.renamedColumns)) {
    push('changed_column', `column "${column.name}" looks renamed; renames are never applied automatically`, false);
  }
  for (const change of Object.values(diff.changedColumns)) {
    const changed = [...change.changedProperties];
    if (changed.length === 1 && changed[0] === 'default' && change.column.default != null) {
      push(
        'missing_default',
        `column "${change.column.name}" should default to ${change.column.default}, has ${change.fromColumn.default ?? 'no default'}`,
        true,
      );
    } else {
      push(
        'changed_column',
        `column "${change.column.name}" differs in ${changed.join(', ')}: live ${describeColumn(change.fromColumn)}, expected ${describeColumn(change.column)}`,
        false,
      );
    }
  }
  for (const index of Object.values(diff.addedIndexes)) {
    const kind = index.constraint ? 'missing_constraint' : 'missing_index';
    const what = index.unique ? `unique ${index.constraint ? 'constraint' : 'index'}` : 'index';
    push(kind, `${what} "${index.keyName}" on (${index.columnNames.join(', ')}) is missing`, true);
  }
  for (const index of Object.values(diff.removedIndexes)) {
    push('extra_index', `index "${index.keyName}" on (${index.columnNames.join(', ')}) is not defined by the entity`, false);
  }
  for (const index of [...Object.values(diff.changedIndexes), ...Object.values(diff.renamedIndexes)]) {
    push('changed_index', `index "${index.keyName}" differs from its definition`, false);
  }
  for (const check of Object.values(diff.addedChecks)) {
    push('missing_constraint', `check constraint "${check.name}" is missing`, true);
  }
  for (const check of [...Object.values(diff.changedChecks), ...Object.values(diff.removedChecks)]) {
    push('changed_index', `check constraint "${check.name}" differs from its definition`, false);
  }
  for (const fk of Object.values(diff.addedForeignKeys)) {
    push('missing_foreign_key', `foreign key ${describeForeignKey(fk)} is missing`, true);
  }
  for (const fk of Object.values(diff.removedForeignKeys)) {
    push('extra_foreign_key', `foreign key ${describeForeignKey(fk)} is not defined by the entity`, false);
  }
  for (const fk of Object.values(diff.changedForeignKeys)) {
    push('changed_foreign_key', `foreign key ${describeForeignKey(fk)} differs from its definition`, false);
  }
  return problems;
}

/**
 * The part of `diff` that heal may apply: missing tables, columns (when they can be added),
 * indexes, unique and check constraints and defaults. Foreign keys are applied separately.
 */
export function safeStructuralDiff(diff: SchemaDifference, emptyTables: ReadonlySet<string>): SchemaDifference {
  const changedTables: Record<string, TableDifference> = {};
  for (const [key, tableDiff] of Object.entries(diff.changedTables)) {
    const tableIsEmpty = emptyTables.has(tableDiff.name);
    changedTables[key] = {
      name: tableDiff.name,
      fromTable: tableDiff.fromTable,
      toTable: tableDiff.toTable,
      addedColumns: Object.fromEntries(Object.entries(tableDiff.addedColumns).filter(([, column]) => columnCanBeAdded(column, tableIsEmpty))),
      changedColumns: Object.fromEntries(
        Object.entries(tableDiff.changedColumns).filter(
          ([, change]) => change.changedProperties.size === 1 && change.changedProperties.has('default') && change.column.default != null,
        ),
      ),
      removedColumns: {},
      renamedColumns: {},
      addedIndexes: tableDiff.addedIndexes,
      changedIndexes: {},
      removedIndexes: {},
      renamedIndexes: {},
      addedChecks: tableDiff.addedChecks,
      changedChecks: {},
      removedChecks: {},
      addedTriggers: {},
      changedTriggers: {},
      removedTriggers: {},
      addedPolicies: {},
      removedPolicies: {},
      addedForeignKeys: {},
      changedForeignKeys: {},
      removedForeignKeys: {},
    };
  }
  return {
    ...diff,
    newNamespaces: new Set(),
    newNativeEnums: diff.newNativeEnums,
    changedTables,
    removedTables: {},
    newViews: {},
    changedViews: {},
    removedViews: {},
    newRoutines: {},
    changedRoutines: {},
    removedRoutines: {},
    removedNamespaces: new Set(),
    removedNativeEnums: [],
    orphanedForeignKeys: [],
  };
}

/** Foreign keys that existing tables lack (new tables get theirs when they are created). */
export function missingForeignKeys(diff: SchemaDifference): ForeignKey[] {
  return Object.values(diff.changedTables).flatMap((tableDiff) => Object.values(tableDiff.addedForeignKeys));
}
