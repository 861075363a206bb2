import { commonColumns } from '@empire/platform';
import { defineEntity, p } from '@mikro-orm/core';

/**
 * Every secret the platform holds, versioned: a rotation writes a new version and leaves the
 * older ones in place, inactive. Values are envelope-encrypted (AES-256-GCM data key per row,
 * wrapped by EMPIRE_MASTER_KEY).
 */
export const SecretEntity = defineEntity({
  name: 'Secret',
  tableName: 'secrets_vault',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    keyId: p.string().length(200),
    secretType: p.string().length(32).index('secrets_vault_secret_type_index'),
    version: p.integer(),
    value: p.text(),
    wrappedKey: p.text(),
    masterKeyId: p.string().length(32).index('secrets_vault_master_key_id_index'),
    active: p.boolean().default(false),
    state: p.enum(['pending', 'active', 'retiring', 'revoked', 'inactive'] as const),
    rotatedAt: p.datetime().nullable(),
    retiresAt: p.datetime().nullable(),
    deletedAt: p.datetime().nullable(),
    ...commonColumns(),
  },
  uniques: [{ name: 'secrets_vault_key_id_version_unique', properties: ['keyId', 'version'] }],
  indexes: [{ name: 'secrets_vault_key_id_active_index', properties: ['keyId', 'active'] }],
});

/** API keys: only a SHA-256 of the key and a visible prefix are stored. */
export const ApiKeyEntity = defineEntity({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    name: p.string().length(200),
    prefix: p.string().length(16).index('api_keys_prefix_index'),
    keyHash: p.string().length(64).unique('api_keys_key_hash_unique'),
    role: p.string().length(16),
    scopes: p.json<string[]>().defaultRaw(`'[]'`),
    expiresAt: p.datetime().nullable(),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    createdBy: p.string().length(200).nullable(),
    ...commonColumns(),
  },
});

export const UserEntity = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    email: p.string().length(320).unique('users_email_unique'),
    passwordHash: p.text(),
    role: p.string().length(16).index('users_role_index'),
    disabled: p.boolean().default(false),
    lastLoginAt: p.datetime().nullable(),
    ...commonColumns(),
  },
});

/** Rotating refresh tokens: each use marks the token used; reuse revokes its whole family. */
export const RefreshTokenEntity = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    user: () => p.manyToOne(UserEntity).deleteRule('cascade').fieldName('user_id'),
    familyId: p.string().length(64).index('refresh_tokens_family_id_index'),
    tokenHash: p.string().length(64).unique('refresh_tokens_token_hash_unique'),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    ...commonColumns(),
  },
  indexes: [{ name: 'refresh_tokens_user_id_index', properties: ['user'] }],
});

export const vaultEntities = [SecretEntity, ApiKeyEntity, UserEntity, RefreshTokenEntity];
