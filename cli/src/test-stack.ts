import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, createLogger, parseConfig } from '@empire/platform';
import { callRegistry, type PublishRequest, type RegistryAnswer } from '@empire/platform/graphql';
import { createTestDatabase, freePort } from '@empire/platform/testkit';
import { type PlatformPart, type RunningPlatform, startPlatform } from './platform-runner.ts';

export interface TestStack {
  config: Config;
  platform: RunningPlatform;
  gatewayUrl: string;
  registryUrl: string;
  adminUrl: string;
  databaseUrl: string;
  dataDir: string;
  /** Publishes through the registry's REST API, as a neuron would. */
  publish: (input: PublishRequest) => Promise<RegistryAnswer['body']>;
  stop: () => Promise<void>;
}

/**
 * The whole platform on free loopback ports, on a fresh database of the test run's PostgreSQL,
 * for tests that need a real registry, gateway and admin.
 */
export async function startTestStack(options: { parts?: PlatformPart[]; env?: Record<string, string> } = {}): Promise<TestStack> {
  const database = await createTestDatabase('stack');
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
    ...options.env,
  });
  const platform = await startPlatform(config, { parts: options.parts, logger: createLogger({ name: 'test-stack', level: 'warn' }) });
  return {
    config,
    platform,
    gatewayUrl: `${config.gatewayUrl}/graphql`,
    registryUrl: config.registryUrl,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    databaseUrl: database.url,
    dataDir,
    publish: async (input) => (await callRegistry(config.registryUrl, '/api/api-diff/register', input)).body,
    stop: async () => {
      await platform.stop();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
