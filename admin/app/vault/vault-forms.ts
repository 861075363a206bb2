import type { ApiKey, CreatedApiKey, SigningKey } from '../gateway/vault-types.ts';

/** What the Vault page's forms ask for; each posts `intent` with its fields. */
export const VAULT_INTENTS = ['rotate-signing-key', 'revoke-signing-key', 'create-api-key', 'revoke-api-key'] as const;
export type VaultIntent = (typeof VAULT_INTENTS)[number];

export function isVaultIntent(value: string): value is VaultIntent {
  return (VAULT_INTENTS as readonly string[]).includes(value);
}

/** Longest API key lifetime the create form accepts, ten years; longer is a typo. */
export const MAX_API_KEY_DAYS = 3650;

/**
 * The Vault action's answer. A created API key travels only here, in the answer to the POST
 * that made it: never in the session, a loader or a URL, so a reload cannot show it again.
 */
export type VaultOutcome =
  | { ok: true; intent: 'rotate-signing-key' | 'revoke-signing-key'; signingKey: SigningKey }
  | { ok: true; intent: 'create-api-key'; created: CreatedApiKey }
  | { ok: true; intent: 'revoke-api-key'; apiKey: ApiKey }
  | { ok: false; intent: VaultIntent | null; message: string };
