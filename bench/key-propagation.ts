import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, type OwnPostgres } from '@empire/platform/testkit';
import { LOOPBACK, progress, type RegistryStack, SETUP_PRINCIPAL, startRegistryStack, withTeardown, withTimeout } from './bench-stack.ts';
import { type Summary, summarize } from './stats.ts';

export interface KeyPropagationResult {
  parameters: { iterations: number; pollIntervalMs: number; timeoutMs: number };
  /** Rotate → the new key is in the other process's JWKS. */
  rotateMs: Summary;
  /** Revoke a signing key → a token signed with it is refused by the other process. */
  revokeSigningKeyMs: Summary;
  /** Revoke an API key → the other process refuses it. */
  revokeApiKeyMs: Summary;
}

const ITERATIONS = 20;
const POLL_INTERVAL_MS = 1;
const TIMEOUT_MS = 5_000;
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const QUERY = '{ schemaVersions(limit: 1) { version } }';

/** Polls until `check` holds; returns the milliseconds since `since`. */
async function elapsedUntil(since: number, check: () => Promise<boolean>, what: string): Promise<number> {
  for (;;) {
    if (await check()) return performance.now() - since;
    if (performance.now() - since > TIMEOUT_MS) throw new Error(`${what} did not happen within ${TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

async function refusedAsRevoked(graphqlUrl: string, credential: string): Promise<boolean> {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: credential },
    body: JSON.stringify({ query: QUERY }),
  });
  const body = (await response.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
  // refused by the other process's own verifier, not by the registry subgraph behind it
  return body.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED' && body.errors[0].message.includes('revoked');
}

async function servedWith(graphqlUrl: string, credential: string): Promise<boolean> {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: credential },
    body: JSON.stringify({ query: QUERY }),
  });
  return ((await response.json()) as { data?: unknown }).data != null;
}

/** `empire start --only gateway` on the stack's database: the "other process". */
async function startOtherGateway(stack: RegistryStack, dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'cli/src/bin.ts'), 'start', '--only', 'gateway'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      EMPIRE_MASTER_KEY: stack.masterKey,
      EMPIRE_REGISTRY_URL: stack.registryUrl,
      EMPIRE_GATEWAY_PORT: String(port),
      EMPIRE_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    url: `http://${LOOPBACK}:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Time from a rotation or revocation in this process to its effect in another process (a
 * gateway started with `empire start --only gateway`), which learns of it through the event bus.
 */
export async function runKeyPropagation(postgres: OwnPostgres): Promise<KeyPropagationResult> {
  return withTeardown(async (teardown) => {
    progress('key propagation: starting a registry here and a gateway in another process');
    const stack = await startRegistryStack(postgres, 'bench_key_propagation', teardown);
    const dataDir = await mkdtemp(join(tmpdir(), 'empire-bench-other-'));
    teardown.add('other gateway folder', () => rm(dataDir, { recursive: true, force: true }));
    const other = await startOtherGateway(stack, dataDir);
    teardown.add('other gateway process', other.stop);
    const graphqlUrl = `${other.url}/graphql`;
    const viewer = await stack.callerAuthorization();
    await withTimeout(
      elapsedUntil(performance.now(), () => servedWith(graphqlUrl, viewer).catch(() => false), 'the other gateway to serve'),
      30_000,
      'the other gateway',
    );

    const rotate: number[] = [];
    const revokeSigningKey: number[] = [];
    const revokeApiKey: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const started = performance.now();
      const rotated = await stack.vault.signingKeys.rotate(SETUP_PRINCIPAL, null);
      rotate.push(
        await elapsedUntil(
          started,
          async () =>
            ((await (await fetch(`${other.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.some((k) => k.kid === rotated.kid),
          'the rotated key in the JWKS',
        ),
      );

      const token = (await stack.security.issuer.issue({ subject: `bench-${i}`, name: `bench-${i}`, role: 'viewer', ttlSeconds: 600 })).token;
      await elapsedUntil(performance.now(), () => servedWith(graphqlUrl, `Bearer ${token}`), 'the new token to be accepted');
      const revokeStarted = performance.now();
      await stack.vault.signingKeys.revoke(rotated.kid, SETUP_PRINCIPAL, null);
      revokeSigningKey.push(await elapsedUntil(revokeStarted, () => refusedAsRevoked(graphqlUrl, `Bearer ${token}`), 'the revoked key refused'));

      const { apiKey, key } = await stack.vault.apiKeys.create({ name: `bench ${i}`, role: 'viewer' }, SETUP_PRINCIPAL, null);
      await elapsedUntil(performance.now(), () => servedWith(graphqlUrl, `Bearer ${key}`), 'the new API key to be accepted');
      const keyRevokeStarted = performance.now();
      await stack.vault.apiKeys.revoke(apiKey.id, SETUP_PRINCIPAL, null);
      revokeApiKey.push(await elapsedUntil(keyRevokeStarted, () => refusedAsRevoked(graphqlUrl, `Bearer ${key}`), 'the revoked API key refused'));
    }
    return {
      parameters: { iterations: ITERATIONS, pollIntervalMs: POLL_INTERVAL_MS, timeoutMs: TIMEOUT_MS },
      rotateMs: summarize(rotate),
      revokeSigningKeyMs: summarize(revokeSigningKey),
      revokeApiKeyMs: summarize(revokeApiKey),
    };
  });
}
