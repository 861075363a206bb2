import pg from 'pg';
import { databaseName, withDatabase } from './connection-url.ts';

/**
 * Creates the database named in `url` when it does not exist yet, connecting to the server's
 * `postgres` maintenance database. Returns true when it created one.
 */
export async function ensureDatabaseExists(url: string, options: { connectTimeoutMs?: number } = {}): Promise<boolean> {
  const name = databaseName(url);
  const client = new pg.Client({
    connectionString: withDatabase(url, 'postgres'),
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3_000,
    application_name: 'empire-ensure-database',
  });
  client.on('error', () => {});
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`create database ${quoteIdentifier(name)}`);
    } catch (error) {
      // another process created it between our check and our create
      if ((error as { code?: string }).code === '42P04') return false;
      throw error;
    }
    return true;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function dropDatabaseIfExists(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres'), application_name: 'empire-drop-database' });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(`drop database if exists ${quoteIdentifier(databaseName(url))} with (force)`);
  } finally {
    await client.end().catch(() => {});
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
