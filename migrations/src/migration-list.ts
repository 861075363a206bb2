import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122120000Foundation } from './versions/20261122120000-foundation.ts';
import { Migration20261122130000SchemaRegistry } from './versions/20261122130000-schema-registry.ts';
import { Migration20261122140000Vault } from './versions/20261122140000-vault.ts';

/**
 * The one ordered migration history of the one database. Append only: a shipped migration is
 * never edited, and every migration upgrades in place (nothing is dropped and recreated).
 */
export const migrationList: MigrationObject[] = [
  { name: '20261122120000_foundation', class: Migration20261122120000Foundation },
  { name: '20261122130000_schema_registry', class: Migration20261122130000SchemaRegistry },
  { name: '20261122140000_vault', class: Migration20261122140000Vault },
];
