import { ConfirmAction } from '../components/confirm-action.tsx';
import { formatTimestamp } from '../format.ts';
import type { SigningKey } from '../gateway/vault-types.ts';
import { KeyStateBadge } from './key-state-badge.tsx';

/** The vault's JWT signing keys, newest first, with a confirmed rotation and a confirmed revoke per key. */
export function SigningKeysSection({ keys }: { keys: SigningKey[] }) {
  return (
    <section className="card" aria-labelledby="signing-keys-heading">
      <div className="section-heading">
        <h2 id="signing-keys-heading">Signing keys</h2>
        <ConfirmAction
          fields={{ intent: 'rotate-signing-key' }}
          label="Rotate signing key"
          prompt="Make a new key ACTIVE for every new token? The current key becomes RETIRING and keeps verifying the tokens it signed until it retires."
          confirmLabel="Yes, rotate"
          pendingLabel="Rotating…"
        />
      </div>
      {keys.length === 0 ? <p className="muted">The vault holds no signing keys yet.</p> : null}
      {keys.length > 0 ? (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>Kid</th>
                <th>Algorithm</th>
                <th>State</th>
                <th className="numeric">Version</th>
                <th>Created</th>
                <th>Retires / revoked</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {[...keys]
                .sort((a, b) => b.version - a.version)
                .map((key) => (
                  <tr
                    key={key.kid}
                    data-testid="signing-key-row"
                    data-kid={key.kid}
                    data-state={key.state}
                    className={key.state === 'REVOKED' ? 'row-muted' : undefined}
                  >
                    <td className="nowrap">
                      <code>{key.kid}</code>
                    </td>
                    <td>{key.algorithm}</td>
                    <td>
                      <KeyStateBadge state={key.state} />
                    </td>
                    <td className="numeric">{key.version}</td>
                    <td className="nowrap">{formatTimestamp(key.createdAt)}</td>
                    <td className="nowrap">{describeEnd(key)}</td>
                    <td className="actions-cell">
                      {key.state === 'REVOKED' ? null : (
                        <ConfirmAction
                          compact
                          fields={{ intent: 'revoke-signing-key', kid: key.kid }}
                          label="Revoke"
                          prompt={`Revoke ${key.kid}? Every token it signed is refused at once, sessions included.`}
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
    </section>
  );
}

function describeEnd(key: SigningKey): string {
  if (key.revokedAt) return `revoked ${formatTimestamp(key.revokedAt)}`;
  if (key.retiresAt) return `retires ${formatTimestamp(key.retiresAt)}`;
  return '—';
}
