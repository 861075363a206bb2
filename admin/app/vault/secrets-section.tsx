import { formatTimestamp } from '../format.ts';
import type { SecretSummary } from '../gateway/vault-types.ts';

/** Every version of every secret the vault holds: metadata only, values never leave the vault. */
export function SecretsSection({ secrets }: { secrets: SecretSummary[] }) {
  const sorted = [...secrets].sort((a, b) => a.keyId.localeCompare(b.keyId) || b.version - a.version);
  return (
    <section className="card" aria-labelledby="secrets-heading">
      <h2 id="secrets-heading">Secrets</h2>
      <p className="muted">Metadata of every version; values stay encrypted in the vault and are never sent here.</p>
      {sorted.length === 0 ? <p className="muted">The vault holds no secrets yet.</p> : null}
      {sorted.length > 0 ? (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>Key id</th>
                <th>Type</th>
                <th className="numeric">Version</th>
                <th>State</th>
                <th>Active</th>
                <th>Created</th>
                <th>Rotated</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((secret) => (
                <tr
                  key={`${secret.keyId}:${secret.version}`}
                  data-testid="secret-row"
                  data-key-id={secret.keyId}
                  className={secret.active ? undefined : 'row-muted'}
                >
                  <td>
                    <code>{secret.keyId}</code>
                  </td>
                  <td>{secret.type}</td>
                  <td className="numeric">{secret.version}</td>
                  <td>{secret.state.toLowerCase()}</td>
                  <td>{secret.active ? <span className="badge health-ok">active</span> : <span className="muted">no</span>}</td>
                  <td className="nowrap">{formatTimestamp(secret.createdAt)}</td>
                  <td className="nowrap">{secret.rotatedAt ? formatTimestamp(secret.rotatedAt) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
