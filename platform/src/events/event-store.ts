import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { type EmpireEvent, EVENTS_CHANNEL } from './event-names.ts';

interface EventRow {
  id: string | number;
  name: string;
  payload: Record<string, unknown>;
  source: string | null;
  created_at: Date;
}

function toEvent(row: EventRow): EmpireEvent {
  return { id: Number(row.id), name: row.name, payload: row.payload, source: row.source, createdAt: new Date(row.created_at) };
}

// Serialises publishers so event ids become visible in id order: a listener's "last id seen"
// cursor can then never skip an event whose transaction committed late.
const OUTBOX_LOCK_KEY = 727_001;

/** Inserts an event and notifies listeners, inside the caller's transaction when given one. */
export async function insertEvent(em: EntityManager, name: string, payload: unknown, source: string | null): Promise<EmpireEvent> {
  const connection = em.getConnection();
  const ctx = em.getTransactionContext();
  await connection.execute('select pg_advisory_xact_lock(?)', [OUTBOX_LOCK_KEY], 'all', ctx);
  const rows = await connection.execute<EventRow[]>(
    'insert into events (name, payload, source) values (?, ?::jsonb, ?) returning id, name, payload, source, created_at',
    [name, JSON.stringify(payload ?? {}), source],
    'all',
    ctx,
  );
  const event = toEvent(rows[0] as EventRow);
  // the payload travels through the table; the notification only says "look from here"
  await connection.execute('select pg_notify(?, ?)', [EVENTS_CHANNEL, String(event.id)], 'all', ctx);
  return event;
}

/** Events after `afterId`, oldest first, read over the listener's own connection. */
export async function readEventsAfter(client: pg.Client, afterId: number, limit: number): Promise<EmpireEvent[]> {
  const result = await client.query<EventRow>('select id, name, payload, source, created_at from events where id > $1 order by id limit $2', [afterId, limit]);
  return result.rows.map(toEvent);
}

export async function maxEventId(client: pg.Client): Promise<number> {
  const result = await client.query<{ id: string | null }>('select max(id) as id from events');
  return Number(result.rows[0]?.id ?? 0);
}
