import type { Database } from '../db/database.ts';
import type { EventBus } from '../events/event-bus.ts';
import { EventName } from '../events/event-names.ts';

export type AlertSeverity = 'info' | 'warning' | 'critical';

export interface AlertInput {
  kind: string;
  severity: AlertSeverity;
  source: string;
  message: string;
  meta?: Record<string, unknown>;
}

export interface AlertRecord extends AlertInput {
  id: number;
  eventId: number | null;
  createdAt: Date;
  resolvedAt: Date | null;
}

interface AlertRow {
  id: string | number;
  kind: string;
  severity: AlertSeverity;
  source: string;
  message: string;
  meta: Record<string, unknown>;
  event_id: string | number | null;
  created_at: Date;
  resolved_at: Date | null;
}

function toAlert(row: AlertRow): AlertRecord {
  return {
    id: Number(row.id),
    kind: row.kind,
    severity: row.severity,
    source: row.source,
    message: row.message,
    meta: row.meta,
    eventId: row.event_id === null ? null : Number(row.event_id),
    createdAt: new Date(row.created_at),
    resolvedAt: row.resolved_at ? new Date(row.resolved_at) : null,
  };
}

/** Stores an alert and announces it as `alert.raised`, both in one transaction. */
export async function raiseAlert(db: Database, bus: EventBus, input: AlertInput): Promise<AlertRecord> {
  return db.transaction(async (em) => {
    const event = await bus.publish(EventName.AlertRaised, { kind: input.kind, severity: input.severity, source: input.source, message: input.message }, em);
    const rows = await em
      .getConnection()
      .execute<AlertRow[]>(
        'insert into alerts (kind, severity, source, message, meta, event_id) values (?, ?, ?, ?, ?::jsonb, ?) returning *',
        [input.kind, input.severity, input.source, input.message, JSON.stringify(input.meta ?? {}), event.id],
        'all',
        em.getTransactionContext(),
      );
    return toAlert(rows[0] as AlertRow);
  });
}

export async function recentAlerts(db: Database, limit = 50): Promise<AlertRecord[]> {
  const rows = await db.query<AlertRow>('select * from alerts order by id desc limit ?', [limit]);
  return rows.map(toAlert);
}
