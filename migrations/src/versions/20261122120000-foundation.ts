import { Migration } from '@mikro-orm/migrations';
import { addConstraintIfMissing } from '../sql-helpers.ts';

/** events (bus outbox), alerts and admin_logs. Idempotent: safe on a database that has them. */
export class Migration20261122120000Foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table if not exists "events" ("id" bigserial primary key, "name" varchar(120) not null, "payload" jsonb not null default '{}', "source" varchar(120) null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "meta" jsonb not null default '{}');`,
    );
    this.addSql(`create index if not exists "events_name_index" on "events" ("name");`);
    this.addSql(`create index if not exists "events_created_at_index" on "events" ("created_at");`);

    this.addSql(
      `create table if not exists "alerts" ("id" bigserial primary key, "kind" varchar(120) not null, "severity" text not null default 'warning', "source" varchar(120) not null, "message" text not null, "event_id" bigint null, "resolved_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "meta" jsonb not null default '{}');`,
    );
    this.addSql(`create index if not exists "alerts_kind_index" on "alerts" ("kind");`);
    this.addSql(`create index if not exists "alerts_created_at_index" on "alerts" ("created_at");`);
    this.addSql(`create index if not exists "alerts_event_id_index" on "alerts" ("event_id");`);
    this.addSql(addConstraintIfMissing('alerts', 'alerts_severity_check', `check ("severity" in ('info', 'warning', 'critical'))`));
    this.addSql(addConstraintIfMissing('alerts', 'alerts_event_id_foreign', `foreign key ("event_id") references "events" ("id") on delete set null`));

    this.addSql(
      `create table if not exists "admin_logs" ("id" bigserial primary key, "actor" varchar(200) not null, "action" varchar(120) not null, "target" varchar(300) null, "before" jsonb null, "after" jsonb null, "ip" varchar(64) null, "prev_hash" varchar(64) null, "hash" varchar(64) not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "meta" jsonb not null default '{}');`,
    );
    this.addSql(`create index if not exists "admin_logs_actor_index" on "admin_logs" ("actor");`);
    this.addSql(`create index if not exists "admin_logs_action_index" on "admin_logs" ("action");`);
    this.addSql(`create index if not exists "admin_logs_created_at_index" on "admin_logs" ("created_at");`);
    this.addSql(addConstraintIfMissing('admin_logs', 'admin_logs_hash_unique', `unique ("hash")`));
  }
}
