import { join } from 'node:path';
import { openDatabase } from '@empire/migrations';
import { type Config, createLogger, type Database, EmbeddedPostgresServer, ensureDatabaseExists, type Logger, loadConfig } from '@empire/platform';
import pg from 'pg';

export const EMBEDDED_DATABASE = 'empire';

export interface DatabaseTarget {
  url: string;
  /** Set when this process started an embedded server and must stop it. */
  embedded?: EmbeddedPostgresServer;
  stop: () => Promise<void>;
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_500 });
  client.on('error', () => {});
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export function embeddedServer(config: Config, logger: Logger): EmbeddedPostgresServer {
  return new EmbeddedPostgresServer({ dataDir: join(config.dataDir, 'postgres'), port: config.EMPIRE_EMBEDDED_PG_PORT, logger });
}

/**
 * The database a command works on: DATABASE_URL when set; otherwise the embedded server under
 * EMPIRE_DATA_DIR, which is used as it is when `empire start` already runs it and started
 * (and stopped again afterwards) when it does not.
 */
export async function resolveDatabase(config: Config, logger: Logger = createLogger({ name: 'empire-cli', level: 'warn' })): Promise<DatabaseTarget> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, stop: async () => {} };
  const server = embeddedServer(config, logger);
  const url = server.url(EMBEDDED_DATABASE);
  if (await reachable(server.url('postgres'))) return { url, stop: async () => {} };
  await server.start();
  return { url, embedded: server, stop: () => server.stop() };
}

/**
 * Runs a CLI command's `work` on the database directly: DATABASE_URL, or the embedded server
 * (started for the command when `empire start` is not running it), created when missing.
 */
export async function withCliDatabase<T>(work: (db: Database, url: string) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = createLogger({ name: 'empire-cli', level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const target = await resolveDatabase(config, logger);
  try {
    await ensureDatabaseExists(target.url, { connectTimeoutMs: config.EMPIRE_DB_CONNECT_TIMEOUT_MS });
    const db = await openDatabase({
      url: target.url,
      logger,
      poolMax: 2,
      connectTimeoutMs: config.EMPIRE_DB_CONNECT_TIMEOUT_MS,
      applicationName: 'empire-cli',
    });
    try {
      await db.waitUntilReachable(config.EMPIRE_DB_CONNECT_TIMEOUT_MS);
      return await work(db, target.url);
    } finally {
      await db.close();
    }
  } finally {
    await target.stop();
  }
}
