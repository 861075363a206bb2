import { formText } from '../forms/form-text.ts';
import { failureMessage, GatewayError, statusForFailure } from '../gateway/gateway-client.server.ts';
import { API_KEY_FIELDS, type ApiKey, type CreatedApiKey, isRole, ROLES, SIGNING_KEY_FIELDS, type SigningKey } from '../gateway/vault-types.ts';
import type { SignedInGateway } from '../session/signed-in-gateway.server.ts';
import { isVaultIntent, MAX_API_KEY_DAYS, type VaultIntent, type VaultOutcome } from './vault-forms.ts';

const ROTATE_SIGNING_KEY = `mutation AdminRotateSigningKey { rotateSigningKey { ${SIGNING_KEY_FIELDS} } }`;

const REVOKE_SIGNING_KEY = `mutation AdminRevokeSigningKey($kid: ID!) { revokeSigningKey(kid: $kid) { ${SIGNING_KEY_FIELDS} } }`;

const CREATE_API_KEY = `
  mutation AdminCreateApiKey($name: String!, $role: String!, $expiresInDays: Int) {
    createApiKey(name: $name, role: $role, expiresInDays: $expiresInDays) { key apiKey { ${API_KEY_FIELDS} } }
  }
`;

const REVOKE_API_KEY = `mutation AdminRevokeApiKey($id: ID!) { revokeApiKey(id: $id) { ${API_KEY_FIELDS} } }`;

/** Runs the form's intent against the vault and answers the outcome with the HTTP status it deserves. */
export async function runVaultIntent(gateway: SignedInGateway, form: FormData): Promise<{ outcome: VaultOutcome; status: number }> {
  const intent = formText(form, 'intent');
  if (!isVaultIntent(intent)) return refuse(null, `Unknown action "${intent}".`);
  try {
    switch (intent) {
      case 'rotate-signing-key': {
        const answer = await gateway.query<{ rotateSigningKey: SigningKey }>(ROTATE_SIGNING_KEY);
        return succeed({ ok: true, intent, signingKey: answer.data.rotateSigningKey });
      }
      case 'revoke-signing-key': {
        const kid = formText(form, 'kid');
        if (!kid) return refuse(intent, 'Which signing key? The form sent no kid.');
        const answer = await gateway.query<{ revokeSigningKey: SigningKey }>(REVOKE_SIGNING_KEY, { kid });
        return succeed({ ok: true, intent, signingKey: answer.data.revokeSigningKey });
      }
      case 'create-api-key':
        return await createApiKey(gateway, form);
      case 'revoke-api-key': {
        const id = formText(form, 'id');
        if (!id) return refuse(intent, 'Which API key? The form sent no id.');
        const answer = await gateway.query<{ revokeApiKey: ApiKey }>(REVOKE_API_KEY, { id });
        return succeed({ ok: true, intent, apiKey: answer.data.revokeApiKey });
      }
    }
  } catch (error) {
    if (error instanceof GatewayError) return refuse(intent, failureMessage(error), statusForFailure(error));
    throw error;
  }
}

async function createApiKey(gateway: SignedInGateway, form: FormData): Promise<{ outcome: VaultOutcome; status: number }> {
  const intent = 'create-api-key';
  const name = formText(form, 'name');
  const role = formText(form, 'role');
  const expiresRaw = formText(form, 'expiresInDays');
  if (!name) return refuse(intent, 'Give the key a name, so its uses can be told apart in the audit log.');
  if (!isRole(role)) return refuse(intent, `Role must be one of ${ROLES.join(', ')}; got "${role}".`);
  const expiresInDays = expiresRaw === '' ? null : Number(expiresRaw);
  if (expiresInDays !== null && !(Number.isInteger(expiresInDays) && expiresInDays >= 1 && expiresInDays <= MAX_API_KEY_DAYS)) {
    return refuse(
      intent,
      `Expires in days must be a whole number from 1 to ${MAX_API_KEY_DAYS}, or empty for a key that does not expire; got "${expiresRaw}".`,
    );
  }
  const answer = await gateway.query<{ createApiKey: CreatedApiKey }>(CREATE_API_KEY, { name, role, expiresInDays });
  return succeed({ ok: true, intent, created: answer.data.createApiKey });
}

function succeed(outcome: VaultOutcome): { outcome: VaultOutcome; status: number } {
  return { outcome, status: 200 };
}

function refuse(intent: VaultIntent | null, message: string, status = 400): { outcome: VaultOutcome; status: number } {
  return { outcome: { ok: false, intent, message }, status };
}
