import { type Config, ConfigError } from '../config/config.ts';
import { MasterKeyring, parseKey } from '../crypto/envelope.ts';
import type { Database } from '../db/database.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logger.ts';
import { CredentialVerifier } from './credential-verifier.ts';
import type { Role } from './roles.ts';
import { TokenIssuer } from './token-issuer.ts';

export interface ProcessSecurity {
  keyring: MasterKeyring;
  verifier: CredentialVerifier;
  issuer: TokenIssuer;
  /** `Bearer <token>` for this process calling another part (a short-lived service token). */
  serviceAuthorization: (name: string, role: Role) => Promise<string>;
  stop: () => void;
}

/** The master keyring from EMPIRE_MASTER_KEY (and EMPIRE_MASTER_KEY_PREVIOUS during a re-key). */
export function keyringFromConfig(config: Config): MasterKeyring {
  if (!config.EMPIRE_MASTER_KEY) throw new ConfigError(['EMPIRE_MASTER_KEY: required to read the vault (32 random bytes, base64) (missing)']);
  const previous = config.EMPIRE_MASTER_KEY_PREVIOUS ? [parseKey(config.EMPIRE_MASTER_KEY_PREVIOUS, 'EMPIRE_MASTER_KEY_PREVIOUS')] : [];
  return new MasterKeyring(parseKey(config.EMPIRE_MASTER_KEY, 'EMPIRE_MASTER_KEY'), previous);
}

const SERVICE_TOKEN_TTL_SECONDS = 300;

/** What every process needs to verify callers and to call other parts itself. */
export async function createProcessSecurity(deps: { config: Config; db: Database; bus: EventBus; logger: Logger }): Promise<ProcessSecurity> {
  const { config } = deps;
  const keyring = keyringFromConfig(config);
  const claims = { issuer: config.EMPIRE_JWT_ISSUER, audience: config.EMPIRE_JWT_AUDIENCE };
  const verifier = new CredentialVerifier({ db: deps.db, bus: deps.bus, logger: deps.logger, ...claims });
  await verifier.start();
  const issuer = new TokenIssuer({ db: deps.db, bus: deps.bus, keyring, ...claims });
  const cache = new Map<string, { value: string; expiresAt: number }>();
  return {
    keyring,
    verifier,
    issuer,
    serviceAuthorization: async (name, role) => {
      const key = `${name}:${role}`;
      const cached = cache.get(key);
      if (cached && cached.expiresAt - Date.now() > 60_000) return cached.value;
      const { token, expiresAt } = await issuer.issue({
        subject: `service:${name}`,
        name: `service:${name}`,
        role,
        ttlSeconds: SERVICE_TOKEN_TTL_SECONDS,
        type: 'service',
      });
      const value = `Bearer ${token}`;
      cache.set(key, { value, expiresAt: expiresAt.getTime() });
      return value;
    },
    stop: () => {
      verifier.stop();
      issuer.stop();
    },
  };
}
