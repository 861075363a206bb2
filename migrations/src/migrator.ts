import type { Database } from '@empire/platform';
import type { MigrationInfo } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import type { Options } from '@mikro-orm/postgresql';
import { migrationList } from './migration-list.ts';

export const MIGRATIONS_TABLE = 'mikro_orm_migrations';

/** MikroORM options every process that runs migrations or the schema doctor needs. */
export function migrationOrmOptions(): Partial<Options> {
  return {
    extensions: [Migrator],
    migrations: {
      tableName: MIGRATIONS_TABLE,
      migrationsList: migrationList,
      snapshot: false,
      transactional: true,
      allOrNothing: true,
    },
    schemaGenerator: { skipTables: [MIGRATIONS_TABLE] },
  };
}

export interface MigrationStatus {
  executed: string[];
  pending: string[];
}

export async function migrationStatus(db: Database): Promise<MigrationStatus> {
  const migrator = db.orm.migrator;
  const [executed, pending] = await Promise.all([migrator.getExecuted(), migrator.getPending()]);
  return { executed: executed.map((row) => row.name), pending: pending.map((row) => row.name) };
}

/** Applies every pending migration in one transaction; returns the names applied. */
export async function applyPendingMigrations(db: Database): Promise<string[]> {
  const applied: MigrationInfo[] = await db.orm.migrator.up();
  return applied.map((row) => row.name);
}
