import { randomUUID } from 'node:crypto';
import { type MasterKeyring, secretContext } from '../crypto/envelope.ts';
import type { Database } from '../db/database.ts';
import { EmpireError, ErrorCode } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import { EventName } from '../events/event-names.ts';
import { type SigningAlgorithm, signJwt } from './jwt.ts';
import type { Role } from './roles.ts';
import { JWT_SIGNING_KEY_ID, loadSigningKeys } from './signing-key-store.ts';

interface ActiveKey {
  kid: string;
  algorithm: SigningAlgorithm;
  privateKeyPem: string;
}

/**
 * Signs JWTs with the vault's active signing key, decrypted once and kept in memory; a
 * `secret.rotated` or `secret.revoked` event makes it load the new active key.
 */
export class TokenIssuer {
  readonly #db: Database;
  readonly #keyring: MasterKeyring;
  readonly #claims: { issuer: string; audience: string };
  #active: ActiveKey | undefined;
  readonly #unsubscribe: (() => void)[] = [];

  constructor(deps: { db: Database; bus: EventBus; keyring: MasterKeyring; issuer: string; audience: string }) {
    this.#db = deps.db;
    this.#keyring = deps.keyring;
    this.#claims = { issuer: deps.issuer, audience: deps.audience };
    const forget = () => {
      this.#active = undefined;
    };
    this.#unsubscribe.push(deps.bus.subscribe(EventName.SecretRotated, forget), deps.bus.subscribe(EventName.SecretRevoked, forget));
  }

  stop(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  async #activeKey(): Promise<ActiveKey> {
    if (this.#active) return this.#active;
    const active = (await loadSigningKeys(this.#db)).find((k) => k.state === 'active');
    if (!active) throw new EmpireError(ErrorCode.Internal, 'The vault has no active signing key; start the platform once to create one');
    const privateKeyPem = this.#keyring.decrypt(active.envelope, secretContext(JWT_SIGNING_KEY_ID, active.version));
    this.#active = { kid: active.meta.kid, algorithm: active.meta.algorithm, privateKeyPem };
    return this.#active;
  }

  /** A signed access token for `subject`. */
  async issue(input: {
    subject: string;
    name: string;
    role: Role;
    scopes?: string[];
    ttlSeconds: number;
    type?: 'access' | 'service';
  }): Promise<{ token: string; expiresAt: Date; kid: string }> {
    const key = await this.#activeKey();
    const now = Math.floor(Date.now() / 1000);
    const exp = now + input.ttlSeconds;
    const token = signJwt(
      {
        iss: this.#claims.issuer,
        aud: this.#claims.audience,
        sub: input.subject,
        name: input.name,
        role: input.role,
        scopes: input.scopes ?? [],
        iat: now,
        nbf: now,
        exp,
        jti: randomUUID(),
        typ: input.type ?? 'access',
      },
      key,
    );
    return { token, expiresAt: new Date(exp * 1000), kid: key.kid };
  }
}
