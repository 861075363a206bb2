import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Config,
  createLogger,
  createProcessSecurity,
  type Database,
  type EventBus,
  generateKey,
  type Principal,
  type ProcessSecurity,
  parseConfig,
  type Role,
} from '@empire/platform';
import { callRegistry, type PublishRequest, type RegistryAnswer } from '@empire/platform/graphql';
import { createTestDatabase, freePort, repoRoot } from '@empire/platform/testkit';
import { createVault, type Vault, vaultSettings } from '@empire/subgraph-vault';
import { type PlatformPart, type RunningPlatform, startPlatform } from './platform-runner.ts';

export interface TestStack {
  config: Config;
  platform: RunningPlatform;
  gatewayUrl: string;
  registryUrl: string;
  adminUrl: string;
  databaseUrl: string;
  dataDir: string;
  /** Publishes through the registry's REST API with a neuron API key, as a neuron would. */
  publish: (input: PublishRequest) => Promise<RegistryAnswer['body']>;
  /** The admin created on first start, with its one-time password. */
  adminCredentials: { email: string; password: string };
  /** A new API key of that role (one per call). */
  apiKeyFor: (role: Role) => Promise<string>;
  masterKey: string;
  /** `empire start --only gateway` as a process of its own on this stack; resolves with its GraphQL URL. */
  startSecondGateway: () => Promise<{ graphqlUrl: string; stop: () => Promise<void> }>;
  stop: () => Promise<void>;
}

/**
 * The whole platform on free loopback ports, on a fresh database of the test run's PostgreSQL,
 * for tests that need a real registry, gateway and admin.
 */
export async function startTestStack(options: { parts?: PlatformPart[]; env?: Record<string, string>; logFile?: string } = {}): Promise<TestStack> {
  const database = await createTestDatabase('stack');
  const masterKey = generateKey();
  const dataDir = await mkdtemp(join(tmpdir(), 'empire-stack-'));
  await chmod(dataDir, 0o755);
  const [gatewayPort, registryPort, adminPort, subgraphPortBase] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const config = parseConfig({
    DATABASE_URL: database.url,
    EMPIRE_DATA_DIR: dataDir,
    EMPIRE_GATEWAY_PORT: String(gatewayPort),
    EMPIRE_REGISTRY_PORT: String(registryPort),
    EMPIRE_ADMIN_PORT: String(adminPort),
    EMPIRE_SUBGRAPH_PORT_BASE: String(subgraphPortBase),
    EMPIRE_GATEWAY_POLL_MS: '2000',
    LOG_LEVEL: 'warn',
    EMPIRE_MASTER_KEY: masterKey,
    ...options.env,
  });
  const platform = await startPlatform(config, {
    parts: options.parts,
    logger: createLogger({ name: 'test-stack', level: options.logFile ? 'debug' : 'warn', destination: options.logFile }),
  });
  if (!platform.firstAdmin) throw new Error('a fresh test database should have made a first admin');
  const setup: Principal = { kind: 'service', id: 'service:test-stack', name: 'service:test-stack', role: 'admin', scopes: ['*'] };
  const apiKeyFor = async (role: Role) => (await platform.vault.apiKeys.create({ name: `test ${role}`, role }, setup, null)).key;
  const neuronKey = await apiKeyFor('neuron');
  return {
    config,
    platform,
    gatewayUrl: `${config.gatewayUrl}/graphql`,
    registryUrl: config.registryUrl,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    databaseUrl: database.url,
    dataDir,
    publish: async (input) => (await callRegistry(config.registryUrl, '/api/api-diff/register', input, { authorization: `Bearer ${neuronKey}` })).body,
    adminCredentials: platform.firstAdmin,
    apiKeyFor,
    masterKey,
    startSecondGateway: async () => {
      const port = await freePort();
      const child = spawn(process.execPath, [join(repoRoot, 'cli/src/bin.ts'), 'start', '--only', 'gateway'], {
        cwd: repoRoot,
        env: {
          ...process.env,
          DATABASE_URL: database.url,
          EMPIRE_MASTER_KEY: masterKey,
          EMPIRE_REGISTRY_URL: config.registryUrl,
          EMPIRE_GATEWAY_PORT: String(port),
          EMPIRE_DATA_DIR: join(dataDir, `gateway-${port}`),
          LOG_LEVEL: 'warn',
        },
        stdio: 'ignore',
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      return {
        graphqlUrl: `http://127.0.0.1:${port}/graphql`,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      };
    },
    stop: async () => {
      await platform.stop();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Security for tests that assemble parts by hand: a keyring, a verifier and token issuer, and
 * the vault with its signing keys in place.
 */
export async function createTestSecurity(deps: {
  db: Database;
  bus: EventBus;
  masterKey?: string;
}): Promise<{ security: ProcessSecurity; vault: Vault; masterKey: string }> {
  const masterKey = deps.masterKey ?? generateKey();
  const config = parseConfig({ EMPIRE_MASTER_KEY: masterKey, LOG_LEVEL: 'silent' });
  const logger = createLogger({ name: 'test-security', level: 'silent' });
  const security = await createProcessSecurity({ config, db: deps.db, bus: deps.bus, logger });
  const vault = createVault({
    db: deps.db,
    bus: deps.bus,
    logger,
    keyring: security.keyring,
    issuer: security.issuer,
    ...vaultSettings(config),
  });
  await vault.signingKeys.ensure();
  await security.verifier.reloadKeys();
  return { security, vault, masterKey };
}
