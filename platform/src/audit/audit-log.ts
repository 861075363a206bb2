import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Database } from '../db/database.ts';

export interface AuditEntryInput {
  actor: string;
  action: string;
  target?: string | null;
  /** Never holds a secret value: callers pass metadata only. */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  ip?: string | null;
}

export interface AuditEntry {
  id: number;
  actor: string;
  action: string;
  target: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  ip: string | null;
  prevHash: string | null;
  hash: string;
  createdAt: Date;
}

interface AuditRow {
  id: string | number;
  actor: string;
  action: string;
  target: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  ip: string | null;
  prev_hash: string | null;
  hash: string;
  created_at: Date;
}

// Appends are serialised so each row's prev_hash is the hash of the row before it.
const AUDIT_LOCK_KEY = 727_020;

/** JSON with sorted keys, so the same content always hashes the same. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

function hashOf(
  prevHash: string | null,
  entry: { actor: string; action: string; target: string | null; before: unknown; after: unknown; ip: string | null; createdAt: Date },
): string {
  const content = canonical({
    prevHash,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    before: entry.before,
    after: entry.after,
    ip: entry.ip,
    createdAt: entry.createdAt.toISOString(),
  });
  return createHash('sha256').update(content).digest('hex');
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: Number(row.id),
    actor: row.actor,
    action: row.action,
    target: row.target,
    before: row.before,
    after: row.after,
    ip: row.ip,
    prevHash: row.prev_hash,
    hash: row.hash,
    createdAt: new Date(row.created_at),
  };
}

/** Appends one row to `admin_logs`, chained to the previous row by hash. */
export async function appendAudit(em: EntityManager, input: AuditEntryInput): Promise<AuditEntry> {
  const connection = em.getConnection();
  const ctx = em.getTransactionContext();
  await connection.execute('select pg_advisory_xact_lock(?)', [AUDIT_LOCK_KEY], 'all', ctx);
  const last = await connection.execute<{ hash: string }[]>('select hash from admin_logs order by id desc limit 1', [], 'all', ctx);
  const prevHash = last[0]?.hash ?? null;
  // millisecond precision survives the round trip through timestamptz
  const createdAt = new Date(Math.floor(Date.now()));
  const entry = {
    actor: input.actor,
    action: input.action,
    target: input.target ?? null,
    before: input.before ?? null,
    after: input.after ?? null,
    ip: input.ip ?? null,
    createdAt,
  };
  const hash = hashOf(prevHash, entry);
  const rows = await connection.execute<AuditRow[]>(
    'insert into admin_logs (actor, action, target, before, after, ip, prev_hash, hash, created_at) values (?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?) returning *',
    [
      entry.actor,
      entry.action,
      entry.target,
      entry.before && JSON.stringify(entry.before),
      entry.after && JSON.stringify(entry.after),
      entry.ip,
      prevHash,
      hash,
      createdAt,
    ],
    'all',
    ctx,
  );
  return toEntry(rows[0] as AuditRow);
}

export async function recentAudit(db: Database, limit: number): Promise<AuditEntry[]> {
  const rows = await db.query<AuditRow>('select * from admin_logs order by id desc limit ?', [limit]);
  return rows.map(toEntry);
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  firstBrokenId: number | null;
  reason: string | null;
}

/**
 * Recomputes the chain from the first row: an edited row no longer matches its hash, and a
 * removed or reordered row breaks the next row's link to it.
 */
export async function verifyAuditChain(db: Database): Promise<AuditVerification> {
  let prevHash: string | null = null;
  let checked = 0;
  for (let afterId = 0; ; ) {
    const rows: AuditRow[] = await db.query<AuditRow>('select * from admin_logs where id > ? order by id limit 1000', [afterId]);
    if (!rows.length) return { ok: true, checked, firstBrokenId: null, reason: null };
    for (const row of rows) {
      const entry = toEntry(row);
      if (entry.prevHash !== prevHash) {
        return { ok: false, checked, firstBrokenId: entry.id, reason: `row ${entry.id} does not link to the row before it (a row was removed or reordered)` };
      }
      if (hashOf(entry.prevHash, entry) !== entry.hash) {
        return { ok: false, checked, firstBrokenId: entry.id, reason: `row ${entry.id} was altered: its content no longer matches its hash` };
      }
      prevHash = entry.hash;
      checked++;
      afterId = entry.id;
    }
  }
}
