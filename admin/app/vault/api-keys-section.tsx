import { ConfirmAction } from '../components/confirm-action.tsx';
import { formatTimestamp } from '../format.ts';
import type { ApiKey } from '../gateway/vault-types.ts';
import { CreateApiKeyForm } from './create-api-key-form.tsx';

/** API keys (metadata only: the vault keeps a hash and a prefix), a confirmed revoke each, and the create form. */
export function ApiKeysSection({ keys }: { keys: ApiKey[] }) {
  return (
    <section className="card" aria-labelledby="api-keys-heading">
      <h2 id="api-keys-heading">API keys</h2>
      {keys.length === 0 ? <p className="muted">No API keys yet.</p> : null}
      {keys.length > 0 ? (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Prefix</th>
                <th>Roles</th>
                <th>Created</th>
                <th>Expires</th>
                <th>Last used</th>
                <th>Revoked</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr
                  key={key.id}
                  data-testid="api-key-row"
                  data-id={key.id}
                  data-revoked={String(key.revokedAt !== null)}
                  className={key.revokedAt ? 'row-muted' : undefined}
                >
                  <td>
                    {key.name}
                    {key.createdBy ? <div className="muted small">by {key.createdBy}</div> : null}
                  </td>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>
                    {key.roles.map((role) => (
                      <span key={role} className="badge role-tag">
                        {role}
                      </span>
                    ))}
                  </td>
                  <td className="date-cell">{formatTimestamp(key.createdAt)}</td>
                  <td className="date-cell">{key.expiresAt ? formatTimestamp(key.expiresAt) : 'never'}</td>
                  <td className="date-cell">{key.lastUsedAt ? formatTimestamp(key.lastUsedAt) : 'never'}</td>
                  <td className="date-cell" data-testid="api-key-revoked-at">
                    {key.revokedAt ? (
                      <>
                        <span className="badge key-state-revoked">revoked</span>
                        <div className="muted small">{formatTimestamp(key.revokedAt)}</div>
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="actions-cell">
                    {key.revokedAt ? null : (
                      <ConfirmAction
                        compact
                        fields={{ intent: 'revoke-api-key', id: key.id }}
                        label="Revoke"
                        prompt={`Revoke "${key.name}"? Every request with it is refused from now on.`}
                        confirmLabel="Yes, revoke"
                        pendingLabel="Revoking…"
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <CreateApiKeyForm />
    </section>
  );
}
