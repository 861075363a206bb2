import { Database, describeUrl, EventBus, ensureDatabaseExists, errorMessage, isConnectionError, type Logger, raiseAlert, retryWhile } from '@empire/platform';
import { allEntities } from './entities.ts';
import { applyPendingMigrations, migrationOrmOptions } from './migrator.ts';
import { type HealResult, healSchema } from './schema-doctor.ts';
import { withSchemaLock } from './schema-lock.ts';

export interface PrepareOptions {
  url: string;
  logger: Logger;
  /** How long to keep retrying while the server is unreachable. */
  waitMs: number;
  poolMax?: number;
  connectTimeoutMs?: number;
  applicationName?: string;
}

export interface PreparedDatabase {
  db: Database;
  createdDatabase: boolean;
  appliedMigrations: string[];
  heal: HealResult;
}

/** Opens the database with every entity and the migrator registered. */
export function openDatabase(options: Omit<PrepareOptions, 'waitMs'>): Promise<Database> {
  return Database.open({
    url: options.url,
    entities: allEntities,
    logger: options.logger,
    poolMax: options.poolMax,
    connectTimeoutMs: options.connectTimeoutMs,
    applicationName: options.applicationName,
    orm: migrationOrmOptions(),
  });
}

function ensureDatabaseWithRetry(options: PrepareOptions): Promise<boolean> {
  return retryWhile(() => ensureDatabaseExists(options.url, { connectTimeoutMs: options.connectTimeoutMs }), isConnectionError, {
    waitMs: options.waitMs,
    onRetry: (error, delay) =>
      options.logger.warn({ database: describeUrl(options.url), err: errorMessage(error), retryInMs: Math.round(delay) }, 'PostgreSQL not reachable yet'),
  });
}

/**
 * What every start does before anything else: create the database if missing, apply pending
 * migrations in place, compare the live schema with the entities, repair safe drift and raise
 * an alert for every repair and for every problem left for a human.
 */
export async function prepareDatabase(options: PrepareOptions): Promise<PreparedDatabase> {
  const { logger } = options;
  const createdDatabase = await ensureDatabaseWithRetry(options);
  if (createdDatabase) logger.info({ database: describeUrl(options.url) }, 'created database');
  const db = await openDatabase(options);
  try {
    await db.waitUntilReachable(options.waitMs);
    const { appliedMigrations, heal } = await withSchemaLock(options.url, async () => {
      const applied = await applyPendingMigrations(db);
      if (applied.length) logger.info({ migrations: applied }, 'applied migrations');
      return { appliedMigrations: applied, heal: await healSchema(db, logger) };
    });
    await recordHealAlerts(db, logger, heal);
    return { db, createdDatabase, appliedMigrations, heal };
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
}

async function recordHealAlerts(db: Database, logger: Logger, heal: HealResult): Promise<void> {
  const bus = new EventBus({ db, logger, source: 'schema-doctor' });
  for (const problem of heal.repaired) {
    logger.warn({ problem }, 'schema doctor repaired drift');
    await raiseAlert(db, bus, {
      kind: 'schema.repaired',
      severity: 'warning',
      source: 'schema-doctor',
      message: `Repaired: ${problem.detail}`,
      meta: { ...problem },
    });
  }
  for (const { problem, error } of heal.failed) {
    logger.error({ problem, err: error }, 'schema doctor could not repair drift');
    await raiseAlert(db, bus, {
      kind: 'schema.repair_failed',
      severity: 'critical',
      source: 'schema-doctor',
      message: `Could not repair: ${problem.detail}: ${error}`,
      meta: { ...problem },
    });
  }
  for (const problem of heal.report.problems.filter((p) => !p.safe)) {
    logger.warn({ problem }, 'schema drift needs a human');
    await raiseAlert(db, bus, { kind: 'schema.drift', severity: 'warning', source: 'schema-doctor', message: problem.detail, meta: { ...problem } });
  }
}
