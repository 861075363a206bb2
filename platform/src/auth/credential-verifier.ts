import type { JsonWebKey, KeyObject } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { EmpireError, ErrorCode, errorMessage } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import { EventName } from '../events/event-names.ts';
import type { Logger } from '../logger.ts';
import { apiKeyChecksumValid, hashApiKey, looksLikeApiKey } from './api-key-format.ts';
import { publicKeyFromJwk, type SigningAlgorithm, verifyJwt } from './jwt.ts';
import { isRole, type Principal, scopesOf } from './roles.ts';
import { loadSigningKeys, type SigningKeyState } from './signing-key-store.ts';

interface KnownKey {
  algorithm: SigningAlgorithm;
  key: KeyObject;
  jwk: JsonWebKey;
  state: SigningKeyState;
  retiresAt: Date | null;
}

interface CachedApiKey {
  id: number;
  principal: Principal;
  expiresAt: Date | null;
}

interface ApiKeyRow {
  id: string | number;
  name: string;
  role: string;
  scopes: string[];
  expires_at: Date | null;
  revoked_at: Date | null;
}

/** Payloads of `secret.rotated` / `secret.revoked`. */
export type SecretEventPayload = { kind: 'jwt'; kid: string } | { kind: 'api_key'; id: number } | { kind: 'secret'; keyId: string; version: number };

const NEGATIVE_CACHE_MS = 5_000;
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/**
 * Verifies credentials in every process from keys held in memory: JWTs against the vault's
 * public signing keys, API keys against their SHA-256. Both are refreshed by `secret.rotated`
 * and `secret.revoked` events, so a rotation or revocation takes effect within milliseconds
 * everywhere, and verification keeps working while the database is down.
 */
export class CredentialVerifier {
  readonly #db: Database;
  readonly #bus: EventBus;
  readonly #logger: Logger;
  readonly #expected: { issuer: string; audience: string };
  #keys = new Map<string, KnownKey>();
  readonly #apiKeys = new Map<string, CachedApiKey>();
  readonly #unknownApiKeys = new Map<string, { since: number; reason: string }>();
  readonly #lastUsedWritten = new Map<number, number>();
  readonly #unsubscribe: (() => void)[] = [];
  #reload: Promise<void> | undefined;

  constructor(deps: { db: Database; bus: EventBus; logger: Logger; issuer: string; audience: string }) {
    this.#db = deps.db;
    this.#bus = deps.bus;
    this.#logger = deps.logger.child({ component: 'credential-verifier' });
    this.#expected = { issuer: deps.issuer, audience: deps.audience };
  }

  /** Loads the signing keys and starts following key events. Retries in the background when the database is down. */
  async start(): Promise<void> {
    const onEvent = (payload: SecretEventPayload) => {
      if (payload.kind === 'jwt') void this.reloadKeys();
      if (payload.kind === 'api_key') this.#forgetApiKey(payload.id);
    };
    this.#unsubscribe.push(this.#bus.subscribe(EventName.SecretRotated, (event) => onEvent(event.payload as unknown as SecretEventPayload)));
    this.#unsubscribe.push(this.#bus.subscribe(EventName.SecretRevoked, (event) => onEvent(event.payload as unknown as SecretEventPayload)));
    await this.reloadKeys().catch((error: unknown) => this.#logger.warn({ err: errorMessage(error) }, 'could not load signing keys yet'));
  }

  stop(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  reloadKeys(): Promise<void> {
    this.#reload ??= (async () => {
      try {
        const rows = await loadSigningKeys(this.#db);
        const keys = new Map<string, KnownKey>();
        for (const row of rows) {
          keys.set(row.meta.kid, {
            algorithm: row.meta.algorithm,
            key: publicKeyFromJwk(row.meta.publicJwk),
            jwk: row.meta.publicJwk,
            state: row.state,
            retiresAt: row.retiresAt,
          });
        }
        this.#keys = keys;
      } finally {
        this.#reload = undefined;
      }
    })();
    return this.#reload;
  }

  /** The JWKS: active, retiring and pending (next) keys. */
  jwks(): { keys: JsonWebKey[] } {
    const now = Date.now();
    return {
      keys: [...this.#keys.values()]
        .filter((k) => k.state === 'active' || k.state === 'pending' || (k.state === 'retiring' && (!k.retiresAt || k.retiresAt.getTime() > now)))
        .map((k) => k.jwk),
    };
  }

  /**
   * The principal behind an `Authorization` header (Bearer JWT or Bearer emp_...) or an
   * `x-api-key` header; null when there are none. Invalid credentials throw UNAUTHENTICATED.
   */
  async verify(headers: { authorization?: string | null; apiKey?: string | null }): Promise<Principal | null> {
    const bearer = headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    if (headers.authorization && !bearer) throw unauthenticated('the Authorization header must be "Bearer <token>"');
    const credential = headers.apiKey?.trim() || bearer;
    if (!credential) return null;
    if (looksLikeApiKey(credential)) return this.#verifyApiKey(credential);
    return this.#verifyToken(credential);
  }

  #verifyToken(token: string): Principal {
    const now = Date.now();
    const result = verifyJwt(
      token,
      (kid) => {
        const key = this.#keys.get(kid);
        if (!key) return undefined;
        const retired = key.state === 'retiring' && key.retiresAt !== null && key.retiresAt.getTime() < now;
        return { algorithm: key.algorithm, key: key.key, revoked: key.state === 'revoked' || retired };
      },
      this.#expected,
    );
    if (!result.ok) throw unauthenticated(`invalid token: ${result.detail}`);
    const { claims } = result;
    if (!isRole(claims.role)) throw unauthenticated('invalid token: no valid role');
    return {
      kind: claims.typ === 'service' ? 'service' : 'user',
      id: claims.sub,
      name: claims.name ?? claims.sub,
      role: claims.role,
      scopes: scopesOf(claims.role, claims.scopes ?? []),
    };
  }

  async #verifyApiKey(key: string): Promise<Principal> {
    if (!apiKeyChecksumValid(key)) throw unauthenticated('invalid API key');
    const hash = hashApiKey(key);
    let cached = this.#apiKeys.get(hash);
    if (!cached) {
      const unknown = this.#unknownApiKeys.get(hash);
      if (unknown && Date.now() - unknown.since < NEGATIVE_CACHE_MS) throw unauthenticated(unknown.reason);
      const rows = await this.#db.query<ApiKeyRow>('select id, name, role, scopes, expires_at, revoked_at from api_keys where key_hash = ?', [hash]);
      const row = rows[0];
      if (!row || row.revoked_at || !isRole(row.role)) {
        const reason = row?.revoked_at ? 'API key was revoked' : 'invalid API key';
        this.#unknownApiKeys.set(hash, { since: Date.now(), reason });
        throw unauthenticated(reason);
      }
      cached = {
        id: Number(row.id),
        expiresAt: row.expires_at ? new Date(row.expires_at) : null,
        principal: { kind: 'api_key', id: String(row.id), name: row.name, role: row.role, scopes: scopesOf(row.role, row.scopes) },
      };
      this.#apiKeys.set(hash, cached);
    }
    if (cached.expiresAt && cached.expiresAt.getTime() < Date.now()) throw unauthenticated('API key expired');
    this.#touch(cached.id);
    return cached.principal;
  }

  #forgetApiKey(id: number): void {
    for (const [hash, cached] of this.#apiKeys) {
      if (cached.id === id) {
        this.#apiKeys.delete(hash);
        this.#unknownApiKeys.set(hash, { since: Date.now(), reason: 'API key was revoked' });
      }
    }
  }

  /** Records last use at most once a minute per key, without holding up the request. */
  #touch(id: number): void {
    const last = this.#lastUsedWritten.get(id) ?? 0;
    if (Date.now() - last < LAST_USED_WRITE_INTERVAL_MS) return;
    this.#lastUsedWritten.set(id, Date.now());
    this.#db.query('update api_keys set last_used_at = now() where id = ?', [id]).catch(() => {});
  }
}

function unauthenticated(message: string): EmpireError {
  return new EmpireError(ErrorCode.Unauthenticated, message);
}
