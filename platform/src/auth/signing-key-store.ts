import type { JsonWebKey } from 'node:crypto';
import type { EnvelopeCiphertext } from '../crypto/envelope.ts';
import type { Database } from '../db/database.ts';
import type { SigningAlgorithm } from './jwt.ts';

/** `secrets_vault.key_id` of the JWT signing keys; each key is one version. */
export const JWT_SIGNING_KEY_ID = 'jwt-signing';

export type SigningKeyState = 'pending' | 'active' | 'retiring' | 'revoked';

export interface SigningKeyMeta {
  kid: string;
  algorithm: SigningAlgorithm;
  publicJwk: JsonWebKey;
  activatedAt?: string;
  revokedAt?: string;
}

export interface SigningKeyRow {
  id: number;
  version: number;
  state: SigningKeyState;
  retiresAt: Date | null;
  createdAt: Date;
  meta: SigningKeyMeta;
  envelope: EnvelopeCiphertext;
}

interface Row {
  id: string | number;
  version: number;
  state: SigningKeyState;
  retires_at: Date | null;
  created_at: Date;
  meta: SigningKeyMeta;
  value: string;
  wrapped_key: string;
  master_key_id: string;
}

/** Every JWT signing key, newest first (public parts and the sealed private key). */
export async function loadSigningKeys(db: Database): Promise<SigningKeyRow[]> {
  const rows = await db.query<Row>(
    `select id, version, state, retires_at, created_at, meta, value, wrapped_key, master_key_id
       from secrets_vault where key_id = ? and secret_type = 'jwt' order by version desc`,
    [JWT_SIGNING_KEY_ID],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    version: r.version,
    state: r.state,
    retiresAt: r.retires_at ? new Date(r.retires_at) : null,
    createdAt: new Date(r.created_at),
    meta: r.meta,
    envelope: { value: r.value, wrappedKey: r.wrapped_key, masterKeyId: r.master_key_id },
  }));
}
