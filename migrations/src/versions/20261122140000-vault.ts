import { Migration } from '@mikro-orm/migrations';
import { addConstraintIfMissing } from '../sql-helpers.ts';

/** The vault: secrets_vault, api_keys, users, refresh_tokens; the gateway copy and policies of schema versions. */
export class Migration20261122140000Vault extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table if not exists "secrets_vault" ("id" bigserial primary key, "key_id" varchar(200) not null, "secret_type" varchar(32) not null, "version" int not null, "value" text not null, "wrapped_key" text not null, "master_key_id" varchar(32) not null, "active" boolean not null default false, "state" text not null, "rotated_at" timestamptz null, "retires_at" timestamptz null, "deleted_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "meta" jsonb not null default '{}');`,
    );
    this.addSql(`create index if not exists "secrets_vault_secret_type_index" on "secrets_vault" ("secret_type");`);
    this.addSql(`create index if not exists "secrets_vault_master_key_id_index" on "secrets_vault" ("master_key_id");`);
    this.addSql(`create index if not exists "secrets_vault_key_id_active_index" on "secrets_vault" ("key_id", "active");`);
    this.addSql(addConstraintIfMissing('secrets_vault', 'secrets_vault_key_id_version_unique', `unique ("key_id", "version")`));
    this.addSql(
      addConstraintIfMissing('secrets_vault', 'secrets_vault_state_check', `check ("state" in ('pending', 'active', 'retiring', 'revoked', 'inactive'))`),
    );

    this.addSql(
      `create table if not exists "api_keys" ("id" bigserial primary key, "name" varchar(200) not null, "prefix" varchar(16) not null, "key_hash" varchar(64) not null, "role" varchar(16) not null, "scopes" jsonb not null default '[]', "expires_at" timestamptz null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, "created_by" varchar(200) null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "meta" jsonb not null default '{}');`,
    );
    this.addSql(`create index if not exists "api_keys_prefix_index" on "api_keys" ("prefix");`);
    this.addSql(addConstraintIfMissing('api_keys', 'api_keys_key_hash_unique', `unique ("key_hash")`));

    this.addSql(
      `create table if not exists "users" ("id" bigserial primary key, "email" varchar(320) not null, "password_hash" text not null, "role" varchar(16) not null, "disabled" boolean not null default false, "last_login_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "meta" jsonb not null default '{}');`,
    );
    this.addSql(addConstraintIfMissing('users', 'users_email_unique', `unique ("email")`));
    this.addSql(`create index if not exists "users_role_index" on "users" ("role");`);

    this.addSql(
      `create table if not exists "refresh_tokens" ("id" bigserial primary key, "user_id" bigint not null, "family_id" varchar(64) not null, "token_hash" varchar(64) not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "revoked_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "meta" jsonb not null default '{}');`,
    );
    this.addSql(`create index if not exists "refresh_tokens_family_id_index" on "refresh_tokens" ("family_id");`);
    this.addSql(addConstraintIfMissing('refresh_tokens', 'refresh_tokens_token_hash_unique', `unique ("token_hash")`));
    this.addSql(`create index if not exists "refresh_tokens_user_id_index" on "refresh_tokens" ("user_id");`);
    this.addSql(
      addConstraintIfMissing('refresh_tokens', 'refresh_tokens_user_id_foreign', `foreign key ("user_id") references "users" ("id") on delete cascade`),
    );

    this.addSql(`alter table "schema_versions" add column if not exists "gateway_supergraph_sdl" text null;`);
    this.addSql(`alter table "schema_versions" add column if not exists "policies" jsonb not null default '{}';`);
  }
}
