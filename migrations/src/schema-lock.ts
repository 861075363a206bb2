import pg from 'pg';

// One key for "someone is migrating or healing this database right now".
const SCHEMA_LOCK_KEY = 727_002;

/**
 * Runs `work` while holding a session advisory lock on its own connection, so processes that
 * start together migrate and heal one after another instead of at once.
 */
export async function withSchemaLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, application_name: 'empire-schema-lock' });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [SCHEMA_LOCK_KEY]);
    return await work();
  } finally {
    await client.query('select pg_advisory_unlock($1)', [SCHEMA_LOCK_KEY]).catch(() => {});
    await client.end().catch(() => {});
  }
}
