import type { Database, EnvelopeCiphertext } from '@empire/platform';
import type { EntityManager } from '@mikro-orm/postgresql';

export type SecretState = 'pending' | 'active' | 'retiring' | 'revoked' | 'inactive';

export interface SecretVersion {
  id: number;
  keyId: string;
  secretType: string;
  version: number;
  state: SecretState;
  active: boolean;
  createdAt: Date;
  rotatedAt: Date | null;
  retiresAt: Date | null;
  deletedAt: Date | null;
  meta: Record<string, unknown>;
  envelope: EnvelopeCiphertext;
}

interface Row {
  id: string | number;
  key_id: string;
  secret_type: string;
  version: number;
  state: SecretState;
  active: boolean;
  created_at: Date;
  rotated_at: Date | null;
  retires_at: Date | null;
  deleted_at: Date | null;
  meta: Record<string, unknown>;
  value: string;
  wrapped_key: string;
  master_key_id: string;
}

const toVersion = (r: Row): SecretVersion => ({
  id: Number(r.id),
  keyId: r.key_id,
  secretType: r.secret_type,
  version: r.version,
  state: r.state,
  active: r.active,
  createdAt: new Date(r.created_at),
  rotatedAt: r.rotated_at ? new Date(r.rotated_at) : null,
  retiresAt: r.retires_at ? new Date(r.retires_at) : null,
  deletedAt: r.deleted_at ? new Date(r.deleted_at) : null,
  meta: r.meta,
  envelope: { value: r.value, wrappedKey: r.wrapped_key, masterKeyId: r.master_key_id },
});

// Changes to secrets run one at a time, so version numbers and states never race.
const VAULT_LOCK_KEY = 727_030;

/** The only place that reads and writes `secrets_vault`. */
export class SecretStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  locked<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.#db.transaction(async (em) => {
      await em.getConnection().execute('select pg_advisory_xact_lock(?)', [VAULT_LOCK_KEY], 'all', em.getTransactionContext());
      return work(em);
    });
  }

  async versions(keyId?: string, em?: EntityManager): Promise<SecretVersion[]> {
    const sql = `select * from secrets_vault ${keyId ? 'where key_id = ?' : ''} order by key_id, version desc`;
    const params = keyId ? [keyId] : [];
    const rows = em ? await em.getConnection().execute<Row[]>(sql, params, 'all', em.getTransactionContext()) : await this.#db.query<Row>(sql, params);
    return rows.map(toVersion);
  }

  async insert(
    em: EntityManager,
    input: {
      keyId: string;
      secretType: string;
      state: SecretState;
      active: boolean;
      envelopeFor: (version: number) => EnvelopeCiphertext;
      meta: Record<string, unknown>;
    },
  ): Promise<SecretVersion> {
    const connection = em.getConnection();
    const ctx = em.getTransactionContext();
    const next = await connection.execute<{ version: number }[]>(
      'select coalesce(max(version), 0) + 1 as version from secrets_vault where key_id = ?',
      [input.keyId],
      'all',
      ctx,
    );
    const version = Number(next[0]?.version ?? 1);
    const envelope = input.envelopeFor(version);
    const rows = await connection.execute<Row[]>(
      `insert into secrets_vault (key_id, secret_type, version, value, wrapped_key, master_key_id, active, state, meta)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) returning *`,
      [
        input.keyId,
        input.secretType,
        version,
        envelope.value,
        envelope.wrappedKey,
        envelope.masterKeyId,
        input.active,
        input.state,
        JSON.stringify(input.meta),
      ],
      'all',
      ctx,
    );
    return toVersion(rows[0] as Row);
  }

  async update(
    em: EntityManager,
    id: number,
    change: { state: SecretState; active: boolean; retiresAt?: Date | null; rotated?: boolean; deleted?: boolean; meta?: Record<string, unknown> },
  ): Promise<void> {
    await em.getConnection().execute(
      `update secrets_vault set state = ?, active = ?, retires_at = coalesce(?, retires_at),
         rotated_at = case when ? then now() else rotated_at end,
         deleted_at = case when ? then coalesce(deleted_at, now()) else deleted_at end,
         meta = meta || ?::jsonb, updated_at = now()
       where id = ?`,
      [change.state, change.active, change.retiresAt ?? null, change.rotated === true, change.deleted === true, JSON.stringify(change.meta ?? {}), id],
      'run',
      em.getTransactionContext(),
    );
  }

  async rewrap(em: EntityManager, id: number, envelope: EnvelopeCiphertext): Promise<void> {
    await em
      .getConnection()
      .execute(
        'update secrets_vault set wrapped_key = ?, master_key_id = ?, updated_at = now() where id = ?',
        [envelope.wrappedKey, envelope.masterKeyId, id],
        'run',
        em.getTransactionContext(),
      );
  }
}
