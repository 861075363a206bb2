import { useFetcher } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { ROLES } from '../gateway/vault-types.ts';
import { CreatedApiKeyBox } from './created-api-key-box.tsx';
import { MAX_API_KEY_DAYS, type VaultOutcome } from './vault-forms.ts';

/** Name, role and optional lifetime of a new API key; the created key appears once below the form. */
export function CreateApiKeyForm() {
  const fetcher = useFetcher<VaultOutcome>();
  const formRef = useRef<HTMLFormElement>(null);
  const [dismissedId, setDismissedId] = useState<string | null>(null);
  const busy = fetcher.state !== 'idle';
  const outcome = fetcher.state === 'idle' ? fetcher.data : undefined;
  const created = outcome?.ok && outcome.intent === 'create-api-key' ? outcome.created : undefined;

  useEffect(() => {
    if (created) formRef.current?.reset();
  }, [created]);

  return (
    <div className="create-api-key">
      <h3>Create API key</h3>
      <fetcher.Form method="post" ref={formRef} className="inline-form" aria-label="Create API key">
        <input type="hidden" name="intent" value="create-api-key" />
        <label>
          Name
          <input type="text" name="name" required maxLength={200} placeholder="billing-neuron" />
        </label>
        <label>
          Role
          <select name="role" defaultValue="viewer">
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
        </label>
        <label>
          Expires in days
          <input type="number" name="expiresInDays" min={1} max={MAX_API_KEY_DAYS} step={1} placeholder="never" />
        </label>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create API key'}
        </button>
      </fetcher.Form>
      {outcome && !outcome.ok ? (
        <div className="error-box" role="alert" data-testid="action-error">
          <strong>Create API key failed</strong>
          <p>{outcome.message}</p>
        </div>
      ) : null}
      {created && created.apiKey.id !== dismissedId ? <CreatedApiKeyBox created={created} onDismiss={() => setDismissedId(created.apiKey.id)} /> : null}
    </div>
  );
}
