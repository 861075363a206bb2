import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { RouteErrorBoundary } from '../components/route-error-boundary.tsx';
import { formatBytes, formatCount, formatTimestamp } from '../format.ts';
import type { DbHealth } from '../gateway/gateway-types.ts';
import { SignedInGateway } from '../session/signed-in-gateway.server.ts';

const DB_HEALTH_QUERY = `
  query AdminDbHealth {
    dbHealth {
      ok
      checkedAt
      database
      tables { name rowCount sizeBytes }
      indexes { table name scans sizeBytes unique }
      migrations { applied pending }
      schemaProblems { kind table detail safe }
      recentAlerts { id kind severity source message createdAt }
    }
  }
`;

export const meta: MetaFunction = () => [{ title: 'DB health · Empire Graph' }];

export async function loader(args: LoaderFunctionArgs) {
  const gateway = await SignedInGateway.open(args);
  const answer = await gateway.load<{ dbHealth: DbHealth }>(DB_HEALTH_QUERY);
  return data(answer.data.dbHealth, { headers: gateway.headers });
}

export default function DbHealthPage() {
  const health = useLoaderData<typeof loader>();
  const { applied, pending } = health.migrations;
  return (
    <>
      <div className="page-heading">
        <h1>Database health</h1>
        <span className={`badge ${health.ok ? 'health-ok' : 'health-failing'}`} data-testid="db-health-ok" data-ok={String(health.ok)}>
          {health.ok ? 'healthy' : 'problems found'}
        </span>
      </div>
      <p className="muted">
        <code>{health.database}</code>, checked {formatTimestamp(health.checkedAt)}
      </p>

      <section className="card">
        <h2>Schema problems ({health.schemaProblems.length})</h2>
        {health.schemaProblems.length === 0 ? (
          <p className="muted">The live database matches the entities.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Kind</th>
                <th>Table</th>
                <th>Detail</th>
                <th>Repair</th>
              </tr>
            </thead>
            <tbody>
              {health.schemaProblems.map((problem) => (
                <tr key={`${problem.kind}:${problem.table}:${problem.detail}`}>
                  <td>{problem.kind}</td>
                  <td>{problem.table}</td>
                  <td>{problem.detail}</td>
                  <td>
                    {problem.safe ? (
                      <span className="badge risk-safe">safe, healed automatically</span>
                    ) : (
                      <span className="badge risk-breaking">unsafe, needs a person</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card">
        <h2>Migrations</h2>
        <p>
          {applied.length} applied, {pending.length === 0 ? 'none pending' : <strong className="text-warning">{pending.length} pending</strong>}
        </p>
        {pending.length > 0 ? (
          <ul className="plain-list">
            {pending.map((name) => (
              <li key={name}>
                <code>{name}</code> <span className="badge risk-dangerous">pending</span>
              </li>
            ))}
          </ul>
        ) : null}
        <details>
          <summary>Applied migrations</summary>
          <ol className="plain-list">
            {applied.map((name) => (
              <li key={name}>
                <code>{name}</code>
              </li>
            ))}
          </ol>
        </details>
      </section>

      <section className="card">
        <h2>Tables ({health.tables.length})</h2>
        <table>
          <thead>
            <tr>
              <th>Table</th>
              <th className="numeric">Rows</th>
              <th className="numeric">Size</th>
            </tr>
          </thead>
          <tbody>
            {health.tables.map((table) => (
              <tr key={table.name} data-testid="db-table-row" data-table={table.name}>
                <td>{table.name}</td>
                <td className="numeric">{formatCount(table.rowCount)}</td>
                <td className="numeric">{formatBytes(table.sizeBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="card">
        <h2>Indexes ({health.indexes.length})</h2>
        <table>
          <thead>
            <tr>
              <th>Table</th>
              <th>Index</th>
              <th className="numeric">Scans</th>
              <th className="numeric">Size</th>
              <th>Unique</th>
            </tr>
          </thead>
          <tbody>
            {health.indexes.map((index) => (
              <tr key={`${index.table}.${index.name}`}>
                <td>{index.table}</td>
                <td>
                  <code>{index.name}</code>
                </td>
                <td
                  className={index.scans === 0 ? 'numeric muted' : 'numeric'}
                  title={index.scans === 0 ? 'Never used since statistics were reset' : undefined}
                >
                  {formatCount(index.scans)}
                </td>
                <td className="numeric">{formatBytes(index.sizeBytes)}</td>
                <td>{index.unique ? 'unique' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="card">
        <h2>Recent alerts ({health.recentAlerts.length})</h2>
        {health.recentAlerts.length === 0 ? (
          <p className="muted">No alerts.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Time</th>
                <th>Severity</th>
                <th>Kind</th>
                <th>Source</th>
                <th>Message</th>
              </tr>
            </thead>
            <tbody>
              {health.recentAlerts.map((alert) => (
                <tr key={alert.id}>
                  <td className="nowrap">{formatTimestamp(alert.createdAt)}</td>
                  <td>
                    <span className={`badge severity-${alert.severity.toLowerCase()}`}>{alert.severity}</span>
                  </td>
                  <td>{alert.kind}</td>
                  <td>{alert.source}</td>
                  <td>{alert.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary };
