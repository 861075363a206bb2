import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useRevalidator } from '@remix-run/react';
import { LiveIndicator } from '../components/live-indicator.tsx';
import { RiskBadge } from '../components/risk-badge.tsx';
import { RouteErrorBoundary } from '../components/route-error-boundary.tsx';
import { VersionFacts } from '../components/version-facts.tsx';
import { describeTrigger, formatTimestamp } from '../format.ts';
import { SCHEMA_VERSION_SUMMARY_FIELDS, type SchemaVersionSummary, type SubgraphRef } from '../gateway/gateway-types.ts';
import { useLiveGateway } from '../live/use-live-gateway.ts';
import { useSchemaPublished } from '../live/use-schema-published.ts';
import { SignedInGateway } from '../session/signed-in-gateway.server.ts';

const HISTORY_LIMIT = 50;

const SCHEMA_OVERVIEW_QUERY = `
  query AdminSchemaOverview($limit: Int!) {
    activeSchemaVersion { ${SCHEMA_VERSION_SUMMARY_FIELDS} subgraphs { name url } }
    schemaVersions(limit: $limit) { ${SCHEMA_VERSION_SUMMARY_FIELDS} }
  }
`;

interface SchemaOverviewData {
  activeSchemaVersion: (SchemaVersionSummary & { subgraphs: SubgraphRef[] }) | null;
  schemaVersions: SchemaVersionSummary[];
}

export const meta: MetaFunction = () => [{ title: 'Schema · Empire Graph' }];

export async function loader(args: LoaderFunctionArgs) {
  const gateway = await SignedInGateway.open(args);
  const answer = await gateway.load<SchemaOverviewData>(SCHEMA_OVERVIEW_QUERY, { limit: HISTORY_LIMIT });
  return data({ ...answer.data, gatewaySupergraphVersion: answer.supergraphVersion }, { headers: gateway.headers });
}

export default function SchemaOverview() {
  const { activeSchemaVersion: active, schemaVersions, gatewaySupergraphVersion } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const connection = useSchemaPublished(useLiveGateway(), () => revalidator.revalidate());

  return (
    <>
      <div className="page-heading">
        <h1>Schema</h1>
        <LiveIndicator connection={connection} />
      </div>

      <section className="card">
        <h2>Active version</h2>
        {active ? (
          <ActiveVersion version={active} gatewaySupergraphVersion={gatewaySupergraphVersion} />
        ) : (
          <p className="muted">No schema has been published yet.</p>
        )}
      </section>

      <section className="card">
        <h2>History</h2>
        {schemaVersions.length === 0 ? (
          <p className="muted">No versions yet.</p>
        ) : (
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th>Version</th>
                  <th>Time</th>
                  <th>Trigger</th>
                  <th>Subgraph</th>
                  <th>Author</th>
                  <th>Message</th>
                  <th>Risk</th>
                  <th className="numeric">Changes</th>
                </tr>
              </thead>
              <tbody>
                {schemaVersions.map((version) => (
                  <tr key={version.id} data-testid="history-row" data-version={version.version} className={version.isActive ? 'row-active' : undefined}>
                    <td>
                      <Link to={`/schema/${version.version}`}>v{version.version}</Link>
                      {version.isActive ? <span className="badge active-tag">active</span> : null}
                    </td>
                    <td className="nowrap">{formatTimestamp(version.createdAt)}</td>
                    <td>{describeTrigger(version)}</td>
                    <td>{version.subgraphName ?? '—'}</td>
                    <td>{version.author ?? '—'}</td>
                    <td className="message-cell">{version.message ?? ''}</td>
                    <td>
                      <RiskBadge level={version.riskLevel} />
                    </td>
                    <td className="numeric">{version.changeCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {schemaVersions.length === HISTORY_LIMIT ? <p className="muted">Showing the latest {HISTORY_LIMIT} versions.</p> : null}
      </section>
    </>
  );
}

function ActiveVersion({
  version,
  gatewaySupergraphVersion,
}: {
  version: SchemaVersionSummary & { subgraphs: SubgraphRef[] };
  gatewaySupergraphVersion: string | null;
}) {
  return (
    <div className="active-version">
      <div className="active-number">
        <Link to={`/schema/${version.version}`}>
          v<span data-testid="active-version">{version.version}</span>
        </Link>
        <RiskBadge level={version.riskLevel} />
      </div>
      <div className="active-columns">
        <VersionFacts version={version}>
          <dt>Changes</dt>
          <dd>{version.changeCount}</dd>
          {gatewaySupergraphVersion === null ? null : (
            <>
              <dt>Gateway serves</dt>
              <dd>
                v{gatewaySupergraphVersion}{' '}
                {gatewaySupergraphVersion === String(version.version) ? null : (
                  <span className="badge risk-dangerous" title="The gateway keeps its supergraph until every new subgraph answers">
                    not yet on v{version.version}
                  </span>
                )}
              </dd>
            </>
          )}
        </VersionFacts>
        <div>
          <h3>Subgraphs ({version.subgraphs.length})</h3>
          <ul className="subgraph-list">
            {version.subgraphs.map((subgraph) => (
              <li key={subgraph.name}>
                <strong>{subgraph.name}</strong> <code>{subgraph.url}</code>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}

export { RouteErrorBoundary as ErrorBoundary };
