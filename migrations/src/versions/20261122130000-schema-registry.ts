import { Migration } from '@mikro-orm/migrations';
import { addConstraintIfMissing } from '../sql-helpers.ts';

/** schema_versions and schema_changes: the registry's history. Idempotent. */
export class Migration20261122130000SchemaRegistry extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table if not exists "schema_versions" ("id" bigserial primary key, "version" int not null, "supergraph_sdl" text not null, "api_schema_sdl" text not null, "subgraphs" jsonb not null, "risk_level" text not null, "trigger" text not null, "subgraph_name" varchar(200) null, "author" varchar(200) null, "commit_sha" varchar(200) null, "message" text null, "rolled_back_to" int null, "is_active" boolean not null default false, "parent_id" bigint null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "meta" jsonb not null default '{}');`,
    );
    this.addSql(addConstraintIfMissing('schema_versions', 'schema_versions_version_unique', `unique ("version")`));
    this.addSql(`create index if not exists "schema_versions_is_active_index" on "schema_versions" ("is_active");`);
    this.addSql(`create index if not exists "schema_versions_created_at_index" on "schema_versions" ("created_at");`);
    this.addSql(`create index if not exists "schema_versions_parent_id_index" on "schema_versions" ("parent_id");`);
    this.addSql(
      addConstraintIfMissing('schema_versions', 'schema_versions_risk_level_check', `check ("risk_level" in ('NONE', 'SAFE', 'DANGEROUS', 'BREAKING'))`),
    );
    this.addSql(addConstraintIfMissing('schema_versions', 'schema_versions_trigger_check', `check ("trigger" in ('PUBLISH', 'ROLLBACK'))`));
    this.addSql(
      addConstraintIfMissing(
        'schema_versions',
        'schema_versions_parent_id_foreign',
        `foreign key ("parent_id") references "schema_versions" ("id") on delete set null`,
      ),
    );

    this.addSql(
      `create table if not exists "schema_changes" ("id" bigserial primary key, "version_id" bigint not null, "type" varchar(120) not null, "criticality" text not null, "path" varchar(500) null, "message" text not null, "reason" text null, "security" boolean not null default false, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "meta" jsonb not null default '{}');`,
    );
    this.addSql(`create index if not exists "schema_changes_criticality_index" on "schema_changes" ("criticality");`);
    this.addSql(`create index if not exists "schema_changes_version_id_index" on "schema_changes" ("version_id");`);
    this.addSql(addConstraintIfMissing('schema_changes', 'schema_changes_criticality_check', `check ("criticality" in ('SAFE', 'DANGEROUS', 'BREAKING'))`));
    this.addSql(
      addConstraintIfMissing(
        'schema_changes',
        'schema_changes_version_id_foreign',
        `foreign key ("version_id") references "schema_versions" ("id") on delete cascade`,
      ),
    );
  }
}
