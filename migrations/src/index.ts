export { allEntities } from './entities.ts';
export { migrationList } from './migration-list.ts';
export { applyPendingMigrations, MIGRATIONS_TABLE, type MigrationStatus, migrationOrmOptions, migrationStatus } from './migrator.ts';
export { openDatabase, type PreparedDatabase, prepareDatabase } from './prepare-database.ts';
export { checkSchema, type HealResult, healSchema, type SchemaProblem, type SchemaReport } from './schema-doctor.ts';
export { withSchemaLock } from './schema-lock.ts';
