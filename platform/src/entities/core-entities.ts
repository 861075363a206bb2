import { defineEntity, p } from '@mikro-orm/core';
import { commonColumns } from './common-columns.ts';

/** The outbox of the event bus: one row per event, announced by NOTIFY with its id. */
export const EventEntity = defineEntity({
  name: 'EventRecord',
  tableName: 'events',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    name: p.string().length(120).index('events_name_index'),
    payload: p.json<Record<string, unknown>>().defaultRaw(`'{}'`),
    source: p.string().length(120).nullable(),
    ...commonColumns(),
  },
  indexes: [{ name: 'events_created_at_index', properties: ['createdAt'] }],
});

/** Something an operator should look at: schema drift repaired, a failover, a failed backup. */
export const AlertEntity = defineEntity({
  name: 'Alert',
  tableName: 'alerts',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    kind: p.string().length(120).index('alerts_kind_index'),
    severity: p.enum(['info', 'warning', 'critical'] as const).default('warning'),
    source: p.string().length(120),
    message: p.text(),
    // the bus event that announced this alert
    event: () => p.manyToOne(EventEntity).nullable().deleteRule('set null').fieldName('event_id'),
    resolvedAt: p.datetime().nullable(),
    ...commonColumns(),
  },
  indexes: [
    { name: 'alerts_created_at_index', properties: ['createdAt'] },
    { name: 'alerts_event_id_index', properties: ['event'] },
  ],
});

/** Append-only audit trail of admin and security actions, chained by hash. */
export const AdminLogEntity = defineEntity({
  name: 'AdminLog',
  tableName: 'admin_logs',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    actor: p.string().length(200).index('admin_logs_actor_index'),
    action: p.string().length(120).index('admin_logs_action_index'),
    target: p.string().length(300).nullable(),
    before: p.json<Record<string, unknown>>().nullable(),
    after: p.json<Record<string, unknown>>().nullable(),
    ip: p.string().length(64).nullable(),
    prevHash: p.string().length(64).nullable(),
    hash: p.string().length(64).unique('admin_logs_hash_unique'),
    ...commonColumns(),
  },
  indexes: [{ name: 'admin_logs_created_at_index', properties: ['createdAt'] }],
});

export const coreEntities = [EventEntity, AlertEntity, AdminLogEntity];
