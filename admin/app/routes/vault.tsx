import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { RouteErrorBoundary } from '../components/route-error-boundary.tsx';
import { API_KEY_FIELDS, type ApiKey, type SecretSummary, SIGNING_KEY_FIELDS, type SigningKey } from '../gateway/vault-types.ts';
import { SignedInGateway } from '../session/signed-in-gateway.server.ts';
import { ApiKeysSection } from '../vault/api-keys-section.tsx';
import { SecretsSection } from '../vault/secrets-section.tsx';
import { SigningKeysSection } from '../vault/signing-keys-section.tsx';
import { runVaultIntent } from '../vault/vault-actions.server.ts';

const VAULT_QUERY = `
  query AdminVault {
    signingKeys { ${SIGNING_KEY_FIELDS} }
    apiKeys { ${API_KEY_FIELDS} }
    secrets { keyId type version state active createdAt rotatedAt }
  }
`;

interface VaultData {
  signingKeys: SigningKey[];
  apiKeys: ApiKey[];
  secrets: SecretSummary[];
}

export const meta: MetaFunction = () => [{ title: 'Vault · Empire Graph' }];

export async function loader(args: LoaderFunctionArgs) {
  const gateway = await SignedInGateway.open(args);
  const answer = await gateway.load<VaultData>(VAULT_QUERY);
  return data(answer.data, { headers: gateway.headers });
}

export async function action(args: ActionFunctionArgs) {
  const gateway = await SignedInGateway.open(args);
  const { outcome, status } = await runVaultIntent(gateway, await args.request.formData());
  const headers = new Headers(gateway.headers);
  // The answer to a create carries the only copy of the new key: nothing may keep it.
  headers.set('Cache-Control', 'no-store');
  return data(outcome, { status, headers });
}

export default function VaultPage() {
  const { signingKeys, apiKeys, secrets } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-heading">
        <h1>Vault</h1>
      </div>
      <SigningKeysSection keys={signingKeys} />
      <ApiKeysSection keys={apiKeys} />
      <SecretsSection secrets={secrets} />
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary };
