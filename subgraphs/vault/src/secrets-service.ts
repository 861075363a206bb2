import {
  appendAudit,
  type EventBus,
  EventName,
  isConnectionError,
  keyFingerprint,
  type Logger,
  type MasterKeyring,
  type SecretEventPayload,
  secretContext,
} from '@empire/platform';
import type { SecretStore, SecretVersion } from './secret-store.ts';

export interface SecretSummary {
  keyId: string;
  type: string;
  version: number;
  state: string;
  active: boolean;
  createdAt: Date;
  rotatedAt: Date | null;
}

/** Secrets that users keep in the environment today and that belong in the vault instead. */
export const IMPORTABLE_ENV_SECRETS: Record<string, { keyId: string; type: string }> = {
  JWT_SECRET: { keyId: 'legacy.jwt_secret', type: 'jwt' },
  OPENAI_API_KEY: { keyId: 'provider.openai', type: 'provider' },
  ANTHROPIC_API_KEY: { keyId: 'provider.anthropic', type: 'provider' },
  GOOGLE_API_KEY: { keyId: 'provider.google', type: 'provider' },
  MISTRAL_API_KEY: { keyId: 'provider.mistral', type: 'provider' },
  GROQ_API_KEY: { keyId: 'provider.groq', type: 'provider' },
  SUPABASE_SERVICE_ROLE_KEY: { keyId: 'provider.supabase_service_role', type: 'provider' },
};

const summary = (v: SecretVersion): SecretSummary => ({
  keyId: v.keyId,
  type: v.secretType,
  version: v.version,
  state: v.state,
  active: v.active,
  createdAt: v.createdAt,
  rotatedAt: v.rotatedAt,
});

/** Versioned secrets: every write is a new version; older versions stay, inactive. */
export class SecretsService {
  readonly #store: SecretStore;
  readonly #bus: EventBus;
  readonly #keyring: MasterKeyring;
  readonly #logger: Logger;

  constructor(deps: { store: SecretStore; bus: EventBus; keyring: MasterKeyring; logger: Logger }) {
    this.#store = deps.store;
    this.#bus = deps.bus;
    this.#keyring = deps.keyring;
    this.#logger = deps.logger.child({ component: 'vault' });
  }

  async list(): Promise<SecretSummary[]> {
    return (await this.#store.versions()).map(summary);
  }

  /** Stores `value` as the new active version of `keyId`; the previous version becomes inactive. */
  async put(keyId: string, type: string, value: string, actor: string): Promise<SecretSummary> {
    const written = await this.#store.locked(async (em) => {
      const previous = (await this.#store.versions(keyId, em)).filter((v) => v.active);
      for (const old of previous) await this.#store.update(em, old.id, { state: 'inactive', active: false, rotated: true, deleted: true });
      const created = await this.#store.insert(em, {
        keyId,
        secretType: type,
        state: 'active',
        active: true,
        meta: {},
        envelopeFor: (version) => this.#keyring.encrypt(value, secretContext(keyId, version)),
      });
      await appendAudit(em, {
        actor,
        action: previous.length ? 'vault.secret.rotated' : 'vault.secret.created',
        target: keyId,
        before: previous[0] ? { version: previous[0].version } : null,
        after: { version: created.version, type },
      });
      await this.#bus.publish(EventName.SecretRotated, { kind: 'secret', keyId, version: created.version } satisfies SecretEventPayload, em);
      return created;
    });
    return summary(written);
  }

  /**
   * The active value of `keyId`. Only when the database is unreachable does it fall back to the
   * environment variable the secret was imported from (read-only), and says so in the log.
   */
  async read(keyId: string): Promise<string | null> {
    try {
      const active = (await this.#store.versions(keyId)).find((v) => v.active);
      return active ? this.#keyring.decrypt(active.envelope, secretContext(keyId, active.version)) : null;
    } catch (error) {
      const envName = Object.entries(IMPORTABLE_ENV_SECRETS).find(([, s]) => s.keyId === keyId)?.[0];
      if (!isConnectionError(error) || !envName || !process.env[envName]) throw error;
      this.#logger.error({ keyId, env: envName, alert: 'vault.env_fallback' }, 'vault unreachable: reading this secret from the environment (read-only)');
      return process.env[envName] ?? null;
    }
  }

  /** Imports known secrets found in the environment that the vault does not hold yet. */
  async importFromEnvironment(env: NodeJS.ProcessEnv): Promise<string[]> {
    const imported: string[] = [];
    const held = new Set((await this.#store.versions()).map((v) => v.keyId));
    for (const [envName, target] of Object.entries(IMPORTABLE_ENV_SECRETS)) {
      const value = env[envName];
      if (!value || held.has(target.keyId)) continue;
      await this.put(target.keyId, target.type, value, 'empire:env-import');
      imported.push(envName);
      this.#logger.warn({ env: envName, keyId: target.keyId }, `imported ${envName} into the vault; remove it from the environment`);
    }
    return imported;
  }

  /** Re-wraps every data key under `next` in one transaction; values are not touched. */
  async rekey(next: Buffer, actor: string): Promise<{ rewrapped: number; masterKeyId: string }> {
    return this.#store.locked(async (em) => {
      const versions = await this.#store.versions(undefined, em);
      for (const v of versions) await this.#store.rewrap(em, v.id, this.#keyring.rewrap(v.envelope, secretContext(v.keyId, v.version), next));
      const masterKeyId = keyFingerprint(next);
      await appendAudit(em, {
        actor,
        action: 'vault.rekeyed',
        target: 'secrets_vault',
        before: { masterKeyId: this.#keyring.currentId },
        after: { masterKeyId, rewrapped: versions.length },
      });
      return { rewrapped: versions.length, masterKeyId };
    });
  }
}
