import { randomBytes } from 'node:crypto';
import {
  appendAudit,
  EmpireError,
  ErrorCode,
  type EventBus,
  EventName,
  generateSigningKey,
  JWT_SIGNING_KEY_ID,
  type MasterKeyring,
  type Principal,
  type SecretEventPayload,
  type SigningAlgorithm,
  type SigningKeyMeta,
  secretContext,
} from '@empire/platform';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SecretStore, SecretVersion } from './secret-store.ts';

export interface SigningKeyView {
  kid: string;
  algorithm: SigningAlgorithm;
  state: 'PENDING' | 'ACTIVE' | 'RETIRING' | 'REVOKED';
  version: number;
  createdAt: Date;
  activatedAt: string | null;
  retiresAt: Date | null;
  revokedAt: string | null;
}

const metaOf = (row: SecretVersion) => row.meta as unknown as SigningKeyMeta;

export function signingKeyView(row: SecretVersion): SigningKeyView {
  const meta = metaOf(row);
  return {
    kid: meta.kid,
    algorithm: meta.algorithm,
    state: row.state.toUpperCase() as SigningKeyView['state'],
    version: row.version,
    createdAt: row.createdAt,
    activatedAt: meta.activatedAt ?? null,
    retiresAt: row.retiresAt,
    revokedAt: meta.revokedAt ?? null,
  };
}

/**
 * The JWT signing key lifecycle: pending → active → retiring → revoked. There is always one
 * active key and one pending key published ahead in the JWKS. A rotated-out key retires for
 * the longest token lifetime plus the JWKS cache time, so no token fails before its expiry.
 */
export class SigningKeyService {
  readonly #store: SecretStore;
  readonly #bus: EventBus;
  readonly #keyring: MasterKeyring;
  readonly #algorithm: SigningAlgorithm;
  readonly #retireAfterMs: number;

  constructor(deps: { store: SecretStore; bus: EventBus; keyring: MasterKeyring; algorithm: SigningAlgorithm; retireAfterSeconds: number }) {
    this.#store = deps.store;
    this.#bus = deps.bus;
    this.#keyring = deps.keyring;
    this.#algorithm = deps.algorithm;
    this.#retireAfterMs = deps.retireAfterSeconds * 1000;
  }

  async list(): Promise<SigningKeyView[]> {
    return (await this.#store.versions(JWT_SIGNING_KEY_ID)).map(signingKeyView);
  }

  async #create(em: EntityManager, state: 'pending' | 'active'): Promise<SecretVersion> {
    const kid = `k-${new Date().toISOString().slice(0, 10)}-${randomBytes(6).toString('hex')}`;
    const pair = generateSigningKey(kid, this.#algorithm);
    const meta: SigningKeyMeta = {
      kid,
      algorithm: pair.algorithm,
      publicJwk: pair.publicJwk,
      ...(state === 'active' ? { activatedAt: new Date().toISOString() } : {}),
    };
    return this.#store.insert(em, {
      keyId: JWT_SIGNING_KEY_ID,
      secretType: 'jwt',
      state,
      active: state === 'active',
      meta: meta as unknown as Record<string, unknown>,
      envelopeFor: (version) => this.#keyring.encrypt(pair.privateKeyPem, secretContext(JWT_SIGNING_KEY_ID, version)),
    });
  }

  /** Retiring keys whose time is up become revoked (kept, inactive). */
  async #sweep(em: EntityManager, keys: SecretVersion[]): Promise<void> {
    for (const key of keys) {
      if (key.state === 'retiring' && key.retiresAt && key.retiresAt.getTime() < Date.now()) {
        await this.#store.update(em, key.id, { state: 'revoked', active: false, deleted: true, meta: { revokedAt: new Date().toISOString() } });
      }
    }
  }

  /** Makes sure an active and a pending key exist (first start, or after a revocation). Returns true when it created one. */
  async ensure(): Promise<boolean> {
    const created = await this.#store.locked(async (em) => {
      const keys = await this.#store.versions(JWT_SIGNING_KEY_ID, em);
      await this.#sweep(em, keys);
      let changed = false;
      if (!keys.some((k) => k.state === 'active')) {
        const pending = keys.find((k) => k.state === 'pending');
        if (pending) await this.#store.update(em, pending.id, { state: 'active', active: true, meta: { activatedAt: new Date().toISOString() } });
        else await this.#create(em, 'active');
        changed = true;
      }
      if (!(await this.#store.versions(JWT_SIGNING_KEY_ID, em)).some((k) => k.state === 'pending')) {
        await this.#create(em, 'pending');
        changed = true;
      }
      return changed;
    });
    if (created) await this.#announce(EventName.SecretRotated, 'jwt');
    return created;
  }

  /** The pending key signs from now on; the active one retires; a new pending key is made. */
  async rotate(actor: Principal, ip: string | null): Promise<SigningKeyView> {
    const result = await this.#store.locked(async (em) => {
      const keys = await this.#store.versions(JWT_SIGNING_KEY_ID, em);
      await this.#sweep(em, keys);
      const active = keys.find((k) => k.state === 'active');
      const pending = keys.find((k) => k.state === 'pending') ?? (await this.#create(em, 'pending'));
      if (active)
        await this.#store.update(em, active.id, { state: 'retiring', active: false, retiresAt: new Date(Date.now() + this.#retireAfterMs), rotated: true });
      await this.#store.update(em, pending.id, { state: 'active', active: true, meta: { activatedAt: new Date().toISOString() } });
      await this.#create(em, 'pending');
      const now = (await this.#store.versions(JWT_SIGNING_KEY_ID, em)).find((k) => k.id === pending.id) as SecretVersion;
      await appendAudit(em, {
        actor: actor.name,
        action: 'vault.signing_key.rotated',
        target: metaOf(now).kid,
        before: active ? { activeKid: metaOf(active).kid } : null,
        after: { activeKid: metaOf(now).kid, retiringUntil: new Date(Date.now() + this.#retireAfterMs).toISOString() },
        ip,
      });
      await this.#bus.publish(EventName.SecretRotated, { kind: 'jwt', kid: metaOf(now).kid } satisfies SecretEventPayload, em);
      return now;
    });
    return signingKeyView(result);
  }

  /** Tokens signed with `kid` are refused everywhere from now on. Revoking the active key promotes the pending one. */
  async revoke(kid: string, actor: Principal, ip: string | null): Promise<SigningKeyView> {
    const result = await this.#store.locked(async (em) => {
      const keys = await this.#store.versions(JWT_SIGNING_KEY_ID, em);
      const key = keys.find((k) => metaOf(k).kid === kid);
      if (!key) throw new EmpireError(ErrorCode.NotFound, `No signing key with kid "${kid}"`);
      if (key.state === 'revoked') throw new EmpireError(ErrorCode.Conflict, `Signing key "${kid}" is already revoked`);
      await this.#store.update(em, key.id, { state: 'revoked', active: false, deleted: true, meta: { revokedAt: new Date().toISOString() } });
      if (key.state === 'active') {
        const pending = keys.find((k) => k.state === 'pending') ?? (await this.#create(em, 'pending'));
        await this.#store.update(em, pending.id, { state: 'active', active: true, meta: { activatedAt: new Date().toISOString() } });
        await this.#create(em, 'pending');
      }
      await appendAudit(em, {
        actor: actor.name,
        action: 'vault.signing_key.revoked',
        target: kid,
        before: { state: key.state },
        after: { state: 'revoked' },
        ip,
      });
      await this.#bus.publish(EventName.SecretRevoked, { kind: 'jwt', kid } satisfies SecretEventPayload, em);
      return (await this.#store.versions(JWT_SIGNING_KEY_ID, em)).find((k) => k.id === key.id) as SecretVersion;
    });
    return signingKeyView(result);
  }

  async #announce(name: string, kind: 'jwt'): Promise<void> {
    const active = (await this.#store.versions(JWT_SIGNING_KEY_ID)).find((k) => k.state === 'active');
    if (active) await this.#bus.publish(name, { kind, kid: metaOf(active).kid } satisfies SecretEventPayload);
  }
}
