import { createLogger, type Database } from '@empire/platform';
import { createTestDatabase, runCli, type TestDatabase } from '@empire/platform/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationList, prepareDatabase } from '../src/index.ts';

const logger = createLogger({ name: 'test', level: 'silent' });

describe('a fresh, empty database', () => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase('fresh');
    const prepared = await prepareDatabase({ url: database.url, logger, waitMs: 10_000 });
    db = prepared.db;
    expect(prepared.appliedMigrations).toEqual(migrationList.map((m) => m.name));
    expect(prepared.heal.report).toEqual({ healthy: true, problems: [] });
  });

  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it('has every table after start', async () => {
    const rows = await db.query<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = 'public' order by table_name`);
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'admin_logs',
        'alerts',
        'events',
        'mikro_orm_migrations',
        'schema_changes',
        'schema_versions',
        'secrets_vault',
        'api_keys',
        'users',
        'refresh_tokens',
      ]),
    );
  });

  it('gives every table created_at, updated_at and meta', async () => {
    for (const table of ['events', 'alerts', 'admin_logs', 'schema_versions', 'schema_changes']) {
      const rows = await db.query<{ column_name: string; data_type: string }>(
        `select column_name, data_type from information_schema.columns where table_name = ? and column_name in ('created_at', 'updated_at', 'meta')`,
        [table],
      );
      expect(Object.fromEntries(rows.map((r) => [r.column_name, r.data_type]))).toEqual({
        created_at: 'timestamp with time zone',
        updated_at: 'timestamp with time zone',
        meta: 'jsonb',
      });
    }
  });

  it('`empire db check` exits 0 and `--json` says healthy', async () => {
    const plain = await runCli(['db', 'check'], { DATABASE_URL: database.url });
    expect(plain.stderr).toBe('');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('schema healthy');
    const json = await runCli(['db', 'check', '--json'], { DATABASE_URL: database.url });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ healthy: true, problems: [] });
  });

  it('`empire db status` lists the applied migration and nothing pending', async () => {
    const result = await runCli(['db', 'status', '--json'], { DATABASE_URL: database.url });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ executed: migrationList.map((m) => m.name), pending: [] });
  });

  it('a second start applies nothing and keeps rows', async () => {
    await db.query(`insert into admin_logs (actor, action, hash) values ('tester', 'test.ran', 'h-fresh')`);
    const again = await prepareDatabase({ url: database.url, logger, waitMs: 10_000 });
    try {
      expect(again.createdDatabase).toBe(false);
      expect(again.appliedMigrations).toEqual([]);
      expect(again.heal.repaired).toEqual([]);
      const rows = await again.db.query<{ count: string }>(`select count(*) from admin_logs where hash = 'h-fresh'`);
      expect(Number(rows[0]?.count)).toBe(1);
    } finally {
      await again.db.close();
    }
  });

  it('creates the database itself when it does not exist', async () => {
    const missing = await createTestDatabase('missing');
    await missing.drop();
    const prepared = await prepareDatabase({ url: missing.url, logger, waitMs: 10_000 });
    try {
      expect(prepared.createdDatabase).toBe(true);
      expect(prepared.heal.report.healthy).toBe(true);
    } finally {
      await prepared.db.close();
      await missing.drop();
    }
  });
});
