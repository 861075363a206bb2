import { createLogger, type Database } from '@empire/platform';
import { createTestDatabase, runCli, type TestDatabase } from '@empire/platform/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareDatabase, type SchemaProblem } from '../src/index.ts';

const logger = createLogger({ name: 'test', level: 'silent' });

interface CheckJson {
  healthy: boolean;
  problems: SchemaProblem[];
}

async function count(db: Database, table: string): Promise<number> {
  const rows = await db.query<{ count: string }>(`select count(*) from ${table}`);
  return Number(rows[0]?.count);
}

describe('schema drift', () => {
  let database: TestDatabase;
  let db: Database;
  let check: (...flags: string[]) => ReturnType<typeof runCli>;

  beforeEach(async () => {
    database = await createTestDatabase('drift');
    db = (await prepareDatabase({ url: database.url, logger, waitMs: 10_000 })).db;
    check = (...flags) => runCli(['db', 'check', ...flags], { DATABASE_URL: database.url });
    await db.query(`insert into events (name, payload) values ('test.happened', '{"n": 1}'), ('test.happened', '{"n": 2}')`);
    await db.query(
      `insert into alerts (kind, source, message) values ('test', 'drift-test', 'one'), ('test', 'drift-test', 'two'), ('test', 'drift-test', 'three')`,
    );
    await db.query(`insert into admin_logs (actor, action, hash) values ('tester', 'a', 'h1'), ('tester', 'b', 'h2')`);
  });

  afterEach(async () => {
    await db?.close();
    await database?.drop();
  });

  it('names a dropped index, column and table, then heals them without losing a row', async () => {
    await db.query('drop index alerts_kind_index');
    await db.query('alter table admin_logs drop column target');
    await db.query('drop table events cascade');

    const before = await check();
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('index "alerts_kind_index" on (kind) is missing');
    expect(before.stdout).toContain('column "target" (varchar(300) null) is missing');
    expect(before.stdout).toContain('table "events" is missing');

    const json = await check('--json');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as CheckJson;
    expect(report.healthy).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        { kind: 'missing_index', table: 'alerts', detail: expect.stringContaining('alerts_kind_index'), safe: true },
        { kind: 'missing_column', table: 'admin_logs', detail: expect.stringContaining('"target"'), safe: true },
        { kind: 'missing_table', table: 'events', detail: expect.stringContaining('"events"'), safe: true },
        // dropping events with cascade took the alerts → events foreign key with it
        { kind: 'missing_foreign_key', table: 'alerts', detail: expect.stringContaining('alerts_event_id_foreign'), safe: true },
      ]),
    );

    const healed = await check('--heal');
    expect(healed.code).toBe(0);
    expect(healed.stdout).toContain('repaired');
    expect(healed.stdout).toContain('schema healthy');

    expect((await check()).code).toBe(0);
    expect(await count(db, 'alerts')).toBe(3);
    expect(await count(db, 'admin_logs')).toBe(2);
    const indexes = await db.query<{ indexname: string }>(`select indexname from pg_indexes where tablename in ('alerts', 'events')`);
    expect(indexes.map((i) => i.indexname)).toEqual(expect.arrayContaining(['alerts_kind_index', 'events_name_index', 'events_created_at_index']));
  });

  it('repairs safe drift on start and raises an alert for each repair', async () => {
    await db.query('alter table alerts drop column resolved_at');
    await db.query('drop index admin_logs_actor_index');
    const prepared = await prepareDatabase({ url: database.url, logger, waitMs: 10_000 });
    try {
      expect(prepared.heal.repaired.map((p) => p.kind).sort()).toEqual(['missing_column', 'missing_index']);
      expect(prepared.heal.report.healthy).toBe(true);
      const alerts = await prepared.db.query<{ kind: string; message: string; event_id: string | null }>(
        `select kind, message, event_id from alerts where kind = 'schema.repaired'`,
      );
      expect(alerts).toHaveLength(2);
      expect(alerts.every((a) => a.event_id !== null)).toBe(true);
      expect(alerts.map((a) => a.message).join('\n')).toContain('resolved_at');
      const events = await prepared.db.query<{ name: string }>(`select name from events where name = 'alert.raised'`);
      expect(events).toHaveLength(2);
    } finally {
      await prepared.db.close();
    }
  });

  it('reports destructive drift and leaves it alone', async () => {
    await db.query(`alter table events add column legacy_note text`);
    await db.query(`update events set legacy_note = 'keep me'`);
    await db.query(`alter table admin_logs alter column ip type text`);

    const healed = await check('--heal', '--json');
    expect(healed.code).toBe(1);
    const report = JSON.parse(healed.stdout) as CheckJson;
    expect(report.problems).toEqual(
      expect.arrayContaining([
        { kind: 'extra_column', table: 'events', detail: expect.stringContaining('legacy_note'), safe: false },
        { kind: 'changed_column', table: 'admin_logs', detail: expect.stringContaining('"ip"'), safe: false },
      ]),
    );
    const kept = await db.query<{ legacy_note: string }>(`select legacy_note from events`);
    expect(kept.map((r) => r.legacy_note)).toEqual(['keep me', 'keep me']);
    const type = await db.query<{ data_type: string }>(
      `select data_type from information_schema.columns where table_name = 'admin_logs' and column_name = 'ip'`,
    );
    expect(type[0]?.data_type).toBe('text');
  });

  it('adds a foreign key NOT VALID when existing rows break it, and reports them', async () => {
    await db.query(`update alerts set event_id = (select min(id) from events)`);
    await db.query('drop table events cascade');
    const healed = await check('--heal', '--json');
    expect(healed.code).toBe(1);
    const report = JSON.parse(healed.stdout) as CheckJson & { repaired: SchemaProblem[] };
    expect(report.repaired.map((p) => p.kind)).toEqual(expect.arrayContaining(['missing_table', 'missing_foreign_key']));
    expect(report.problems).toEqual([
      { kind: 'unvalidated_foreign_key', table: 'alerts', detail: expect.stringContaining('alerts_event_id_foreign'), safe: false },
    ]);
    expect(await count(db, 'alerts')).toBe(3);
    // the constraint guards new rows already
    await expect(db.query(`insert into alerts (kind, source, message, event_id) values ('x', 'y', 'z', 999999)`)).rejects.toThrow(/foreign key/);
  });

  it('exits 1 with a clear message when the database cannot be reached', async () => {
    const result = await runCli(['db', 'check'], { DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:1/nowhere', EMPIRE_DB_CONNECT_TIMEOUT_MS: '500' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/empire: .*(ECONNREFUSED|unavailable|connect)/i);
  });
});
