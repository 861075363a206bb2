import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { AuditVerificationBanner } from '../components/audit-verification-banner.tsx';
import { RouteErrorBoundary } from '../components/route-error-boundary.tsx';
import { formatTimestamp } from '../format.ts';
import type { AuditEntry, AuditVerification } from '../gateway/vault-types.ts';
import { SignedInGateway } from '../session/signed-in-gateway.server.ts';

const AUDIT_LIMIT = 100;

/** How much of each entry's hash the table shows; the whole hash is in the cell's title. */
const HASH_PREFIX_LENGTH = 12;

const AUDIT_QUERY = `
  query AdminAudit($limit: Int!) {
    verifyAudit { ok checked firstBrokenId reason }
    auditLog(limit: $limit) { id actor action target ip createdAt before after hash }
  }
`;

export const meta: MetaFunction = () => [{ title: 'Audit · Empire Graph' }];

export async function loader(args: LoaderFunctionArgs) {
  const gateway = await SignedInGateway.open(args);
  const answer = await gateway.load<{ verifyAudit: AuditVerification; auditLog: AuditEntry[] }>(AUDIT_QUERY, { limit: AUDIT_LIMIT });
  return data(answer.data, { headers: gateway.headers });
}

export default function AuditPage() {
  const { verifyAudit, auditLog } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-heading">
        <h1>Audit log</h1>
      </div>
      <AuditVerificationBanner verification={verifyAudit} />
      <section className="card">
        <h2>Entries, newest first</h2>
        {auditLog.length === 0 ? (
          <p className="muted">No admin or security action has been recorded yet.</p>
        ) : (
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Actor</th>
                  <th>Action</th>
                  <th>Target</th>
                  <th>IP</th>
                  <th>Hash</th>
                </tr>
              </thead>
              <tbody>
                {auditLog.map((entry) => (
                  <tr key={entry.id} data-testid="audit-row" data-id={entry.id} data-action={entry.action} data-target={entry.target ?? ''}>
                    <td className="nowrap">{formatTimestamp(entry.createdAt)}</td>
                    <td>{entry.actor}</td>
                    <td>
                      <code>{entry.action}</code>
                    </td>
                    <td className="message-cell">
                      {entry.target ? <code>{entry.target}</code> : '—'}
                      <EntryChange entry={entry} />
                    </td>
                    <td className="nowrap">{entry.ip ?? '—'}</td>
                    <td title={entry.hash}>
                      <code>{entry.hash.slice(0, HASH_PREFIX_LENGTH)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {auditLog.length === AUDIT_LIMIT ? <p className="muted">Showing the latest {AUDIT_LIMIT} entries.</p> : null}
      </section>
    </>
  );
}

/** The entry's before and after (as the vault recorded them, without secret values), folded away. */
function EntryChange({ entry }: { entry: AuditEntry }) {
  if (entry.before === null && entry.after === null) return null;
  return (
    <details className="audit-change">
      <summary>change</summary>
      {entry.before === null ? null : (
        <>
          <div className="muted small">before</div>
          <pre>{entry.before}</pre>
        </>
      )}
      {entry.after === null ? null : (
        <>
          <div className="muted small">after</div>
          <pre>{entry.after}</pre>
        </>
      )}
    </details>
  );
}

export { RouteErrorBoundary as ErrorBoundary };
