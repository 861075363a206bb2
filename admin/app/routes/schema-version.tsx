import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { ChangeGroups } from '../components/change-groups.tsx';
import { RiskBadge } from '../components/risk-badge.tsx';
import { RollbackForm, type RollbackOutcome } from '../components/rollback-form.tsx';
import { RouteErrorBoundary } from '../components/route-error-boundary.tsx';
import { VersionFacts } from '../components/version-facts.tsx';
import { GatewayError, type PageFailure, statusForFailure } from '../gateway/gateway-client.server.ts';
import { type PublishResult, SCHEMA_VERSION_SUMMARY_FIELDS, type SchemaVersionDetail } from '../gateway/gateway-types.ts';
import { SignedInGateway } from '../session/signed-in-gateway.server.ts';

const SCHEMA_VERSION_QUERY = `
  query AdminSchemaVersion($version: Int!) {
    schemaVersion(version: $version) {
      ${SCHEMA_VERSION_SUMMARY_FIELDS}
      changes { type criticality path message reason security }
      subgraphs { name url }
      apiSchemaSdl
    }
  }
`;

const ROLLBACK_MUTATION = `
  mutation AdminRollbackSchema($version: Int!) {
    rollbackSchema(version: $version) {
      status
      version { version }
      changes { criticality }
      errors
    }
  }
`;

export const meta: MetaFunction<typeof loader> = ({ params }) => [{ title: `Schema v${params.version ?? ''} · Empire Graph` }];

export async function loader(args: LoaderFunctionArgs) {
  const version = parseVersion(args.params.version);
  const gateway = await SignedInGateway.open(args);
  const answer = await gateway.load<{ schemaVersion: SchemaVersionDetail | null }>(SCHEMA_VERSION_QUERY, { version });
  if (!answer.data.schemaVersion) throw notFound(`Schema version ${version} does not exist.`, gateway.headers);
  return data({ schemaVersion: answer.data.schemaVersion }, { headers: gateway.headers });
}

export async function action(args: ActionFunctionArgs) {
  const version = parseVersion(args.params.version);
  const gateway = await SignedInGateway.open(args);
  try {
    const answer = await gateway.query<{ rollbackSchema: PublishResult }>(ROLLBACK_MUTATION, { version });
    return data<RollbackOutcome>({ kind: 'result', result: answer.data.rollbackSchema }, { headers: gateway.headers });
  } catch (error) {
    if (error instanceof GatewayError)
      return data<RollbackOutcome>({ kind: 'failure', detail: error.message }, { status: statusForFailure(error), headers: gateway.headers });
    throw error;
  }
}

export default function SchemaVersionPage() {
  const { schemaVersion: version } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  return (
    <>
      <div className="page-heading">
        <h1>
          <Link to="/schema" className="crumb">
            Schema
          </Link>{' '}
          / v{version.version}
        </h1>
        <RiskBadge level={version.riskLevel} />
        {version.isActive ? <span className="badge active-tag">active</span> : null}
      </div>

      <section className="card">
        <VersionFacts version={version} />
        {version.isActive ? <p className="muted">This is the active version.</p> : <RollbackForm version={version.version} outcome={outcome} />}
      </section>

      <section className="card">
        <h2>Changes ({version.changeCount})</h2>
        <ChangeGroups changes={version.changes} />
      </section>

      <section className="card">
        <h2>Subgraphs ({version.subgraphs.length})</h2>
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>URL</th>
            </tr>
          </thead>
          <tbody>
            {version.subgraphs.map((subgraph) => (
              <tr key={subgraph.name}>
                <td>{subgraph.name}</td>
                <td>
                  <code>{subgraph.url}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="card">
        <details>
          <summary>API schema SDL</summary>
          <pre className="sdl">{version.apiSchemaSdl}</pre>
        </details>
      </section>
    </>
  );
}

function parseVersion(raw: string | undefined): number {
  const version = Number(raw);
  if (!Number.isInteger(version) || version < 1) throw notFound(`"${raw ?? ''}" is not a schema version number.`);
  return version;
}

function notFound(detail: string, headers?: Headers) {
  return data<PageFailure>({ title: 'Schema version not found', detail }, { status: 404, headers });
}

export { RouteErrorBoundary as ErrorBoundary };
