import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { prepareDatabase } from '@empire/migrations';
import {
  type Config,
  createLogger,
  createProcessSecurity,
  type Database,
  describeUrl,
  EmpireError,
  ErrorCode,
  EventBus,
  isEmpireError,
  type Logger,
  type ProcessSecurity,
} from '@empire/platform';
import { publishToRegistry, type RunningSubgraph } from '@empire/platform/graphql';
import { startSchemaRegistry } from '@empire/schema-registry';
import { startSystemSubgraph } from '@empire/subgraph-system';
import { createVault, startVaultSubgraph, type Vault, vaultSettings } from '@empire/subgraph-vault';
import { EMBEDDED_DATABASE, embeddedServer } from './database-target.ts';

/** The parts `empire start --only` can name. */
export const PLATFORM_PARTS = ['registry', 'subgraph:system', 'subgraph:vault', 'gateway', 'admin'] as const;
export type PlatformPart = (typeof PLATFORM_PARTS)[number];

interface CoreSubgraphDeps {
  db: Database;
  logger: Logger;
  host: string;
  port: number;
  security: ProcessSecurity;
  vault: Vault;
}

/** Core subgraphs in start order; each gets EMPIRE_SUBGRAPH_PORT_BASE + its index. */
const CORE_SUBGRAPHS: { part: PlatformPart; start: (deps: CoreSubgraphDeps) => Promise<RunningSubgraph> }[] = [
  { part: 'subgraph:system', start: (d) => startSystemSubgraph({ ...d, verifier: d.security.verifier }) },
  { part: 'subgraph:vault', start: (d) => startVaultSubgraph({ ...d, verifier: d.security.verifier }) },
];

const STOP_TIMEOUT_MS = 10_000;

/** The vault secret that signs the admin app's session cookies. */
const ADMIN_SESSION_SECRET = 'internal.admin_session';

export interface RunningPlatform {
  urls: Record<string, string>;
  db: Database;
  vault: Vault;
  security: ProcessSecurity;
  /** Set on the very first start: the admin created then, with its one-time password. */
  firstAdmin: { email: string; password: string } | null;
  stop: () => Promise<void>;
}

/**
 * Every start: signing keys exist (an active one and the next), secrets found in the
 * environment are imported, and on the very first start an admin is created.
 */
async function bootstrapVault(vault: Vault, security: ProcessSecurity, logger: Logger): Promise<{ email: string; password: string } | null> {
  if (await vault.signingKeys.ensure()) await security.verifier.reloadKeys();
  await vault.secrets.importFromEnvironment(process.env);
  try {
    return await vault.auth.ensureFirstAdmin();
  } catch (error) {
    // another process starting at the same moment created it
    if (isEmpireError(error, ErrorCode.Conflict)) return null;
    logger.error({ err: String(error) }, 'could not create the first admin');
    throw error;
  }
}

async function createSessionSecret(vault: Vault): Promise<string> {
  const secret = randomBytes(32).toString('base64url');
  await vault.secrets.put(ADMIN_SESSION_SECRET, 'internal', secret, 'empire');
  return secret;
}

export function parseParts(value: string | undefined): PlatformPart[] {
  if (!value) return [...PLATFORM_PARTS];
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(PLATFORM_PARTS as readonly string[]).includes(n));
  if (unknown.length)
    throw new EmpireError(
      ErrorCode.BadUserInput,
      `Unknown part(s) ${unknown.map((u) => `"${u}"`).join(', ')} for --only; choose from ${PLATFORM_PARTS.join(', ')}`,
    );
  return names as PlatformPart[];
}

/**
 * Starts the platform in this process: the embedded PostgreSQL (unless DATABASE_URL is set),
 * migrations and the schema doctor, the event bus, then the selected parts: the registry, every
 * core subgraph (each publishes its SDL to the registry), the gateway and the admin. Every part
 * started is stopped again, in reverse order, by `stop` or when a later part fails to start.
 */
export async function startPlatform(config: Config, options: { parts?: PlatformPart[]; logger?: Logger } = {}): Promise<RunningPlatform> {
  const logger = options.logger ?? createLogger({ name: 'empire', level: config.LOG_LEVEL });
  const parts = new Set(options.parts ?? PLATFORM_PARTS);
  const started: { name: string; stop: () => Promise<void> }[] = [];
  const onStop = (name: string, stopPart: () => Promise<void>) => started.push({ name, stop: stopPart });
  const stop = async () => {
    for (const part of started.reverse()) {
      // a part that cannot stop must not keep the others (PostgreSQL last) from stopping
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        part.stop().then(
          () => 'stopped',
          (error: unknown) => `failed: ${String(error)}`,
        ),
        new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve(`did not stop within ${STOP_TIMEOUT_MS} ms`), STOP_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
      if (outcome !== 'stopped') logger.error({ part: part.name, outcome }, 'could not stop a part cleanly');
    }
    started.length = 0;
  };
  const urls: Record<string, string> = {};
  const host = config.EMPIRE_HOST;
  try {
    let url = config.DATABASE_URL;
    if (!url) {
      const server = embeddedServer(config, logger);
      await server.start();
      onStop('embedded PostgreSQL', () => server.stop());
      url = server.url(EMBEDDED_DATABASE);
    }
    urls.database = describeUrl(url);
    const { db, heal } = await prepareDatabase({
      url,
      logger,
      waitMs: config.EMPIRE_DB_STARTUP_WAIT_MS,
      poolMax: config.EMPIRE_DB_POOL_MAX,
      connectTimeoutMs: config.EMPIRE_DB_CONNECT_TIMEOUT_MS,
      applicationName: 'empire',
    });
    onStop('database pool', () => db.close());
    if (!heal.report.healthy) logger.warn({ problems: heal.report.problems.length }, 'schema has drift that needs a human: run `empire db check`');

    const bus = new EventBus({ db, logger, source: 'empire' });
    await bus.start();
    onStop('event bus', () => bus.stop());

    const security = await createProcessSecurity({ config, db, bus, logger });
    onStop('credential verifier', async () => security.stop());
    const vault = createVault({
      db,
      bus,
      logger,
      keyring: security.keyring,
      issuer: security.issuer,
      ...vaultSettings(config),
    });
    const firstAdmin = await bootstrapVault(vault, security, logger);

    if (parts.has('registry')) {
      const registry = await startSchemaRegistry({ db, bus, logger, host, port: config.EMPIRE_REGISTRY_PORT, verifier: security.verifier });
      onStop('registry', registry.stop);
      urls.registry = registry.url;
    }

    for (const [index, subgraph] of CORE_SUBGRAPHS.entries()) {
      if (!parts.has(subgraph.part)) continue;
      const running = await subgraph.start({ db, logger, host, port: config.EMPIRE_SUBGRAPH_PORT_BASE + index, security, vault });
      onStop(subgraph.part, running.close);
      urls[subgraph.part] = running.graphqlUrl;
      const answer = await publishToRegistry(
        config.registryUrl,
        { name: running.name, url: running.graphqlUrl, sdl: running.sdl, message: `${running.name} self-publish`, force: true },
        { authorization: await security.serviceAuthorization(running.name, 'neuron') },
      );
      if (answer.body.status === 'REJECTED' || answer.httpStatus >= 400) {
        throw new EmpireError(
          ErrorCode.CompositionFailed,
          `The registry rejected subgraph "${running.name}": ${(answer.body.errors ?? [answer.body.error]).join('; ')}`,
        );
      }
    }

    if (parts.has('gateway')) {
      const { startGateway } = await import('@empire/gateway');
      const gateway = await startGateway({
        host,
        port: config.EMPIRE_GATEWAY_PORT,
        registryUrl: config.registryUrl,
        cacheFile: join(config.dataDir, 'gateway', 'supergraph-cache.json'),
        pollIntervalMs: config.EMPIRE_GATEWAY_POLL_MS,
        logger,
        bus,
        verifier: security.verifier,
        registryAuthorization: () => security.serviceAuthorization('gateway', 'viewer'),
      });
      onStop('gateway', gateway.close);
      await gateway.ready;
      urls.gateway = gateway.graphqlUrl;
    }

    if (parts.has('admin')) {
      const { ensureAdminBuilt, startAdminServer } = await import('@empire/admin');
      await ensureAdminBuilt();
      const sessionSecret = (await vault.secrets.read(ADMIN_SESSION_SECRET)) ?? (await createSessionSecret(vault));
      const admin = await startAdminServer({ host, port: config.EMPIRE_ADMIN_PORT, gatewayUrl: `${config.gatewayUrl}/graphql`, logger, sessionSecret });
      onStop('admin', admin.close);
      urls.admin = admin.url;
    }
    return { urls, db, vault, security, firstAdmin, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
