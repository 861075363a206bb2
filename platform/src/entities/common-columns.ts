import { p } from '@mikro-orm/core';

/**
 * The columns every table has: `created_at`, `updated_at` and an extensible `meta jsonb`.
 * Spread into an entity's `properties`.
 */
export function commonColumns() {
  return {
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
    meta: p.json<Record<string, unknown>>().defaultRaw(`'{}'`),
  };
}
