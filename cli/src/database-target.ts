import { join } from 'node:path';
import { type Config, createLogger, EmbeddedPostgresServer, type Logger } from '@empire/platform';
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
