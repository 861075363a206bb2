import { readFileSync } from 'node:fs';
import { checkSchema, migrationStatus } from '@empire/migrations';
import {
  type AlertRecord,
  type CredentialSource,
  type Database,
  describeUrl,
  type Logger,
  type RequestAuth,
  recentAlerts,
  requireScope,
} from '@empire/platform';
import { type RunningSubgraph, startSubgraphServer } from '@empire/platform/graphql';
import { SystemStore } from './store.ts';

export const SYSTEM_SUBGRAPH_NAME = 'system';
export const systemSdl = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');

/** Everything /admin/db-health shows, gathered in one pass. */
export async function gatherDbHealth(db: Database, store: SystemStore) {
  const [tables, indexes, migrations, schema] = await Promise.all([store.tables(), store.indexes(), migrationStatus(db), checkSchema(db)]);
  return {
    ok: migrations.pending.length === 0 && schema.healthy,
    checkedAt: new Date().toISOString(),
    database: describeUrl(db.url),
    tables,
    indexes,
    migrations: { applied: migrations.executed, pending: migrations.pending },
    schemaProblems: schema.problems,
  };
}

function alertJson(alert: AlertRecord) {
  return { ...alert, id: String(alert.id), createdAt: alert.createdAt.toISOString(), resolvedAt: alert.resolvedAt?.toISOString() ?? null };
}

/** The system subgraph: database health for the admin. */
export async function startSystemSubgraph(deps: {
  db: Database;
  logger: Logger;
  host: string;
  port: number;
  verifier: CredentialSource;
}): Promise<RunningSubgraph> {
  const store = new SystemStore(deps.db);
  return startSubgraphServer({
    name: SYSTEM_SUBGRAPH_NAME,
    sdl: systemSdl,
    host: deps.host,
    port: deps.port,
    logger: deps.logger,
    auth: { verifier: deps.verifier },
    resolvers: {
      Query: {
        dbHealth: (_: unknown, __: unknown, auth: RequestAuth) => {
          requireScope(auth.principal, 'db:read');
          return gatherDbHealth(deps.db, store);
        },
      },
      DbHealth: {
        recentAlerts: async (_parent: unknown, args: { limit?: number }) =>
          (await recentAlerts(deps.db, Math.min(Math.max(args.limit ?? 20, 1), 200))).map(alertJson),
      },
    },
  });
}
