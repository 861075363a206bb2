import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { withDatabase } from '../db/connection-url.ts';
import { EmbeddedPostgresServer } from '../db/embedded-postgres.ts';
import { dropDatabaseIfExists, ensureDatabaseExists } from '../db/ensure-database.ts';
import { createLogger } from '../logger.ts';
import { freePort } from './ports.ts';

export { freePort };

/** The repository root, for spawning the CLI. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface TestDatabase {
  url: string;
  drop: () => Promise<void>;
}

/** A fresh, empty database on the run's PostgreSQL, for one test file (or one test). */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const name = `${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(inject('empireTestPostgresUrl'), name);
  await ensureDatabaseExists(url);
  return { url, drop: () => dropDatabaseIfExists(url) };
}

export interface OwnPostgres {
  server: EmbeddedPostgresServer;
  url: (database: string) => string;
  dispose: () => Promise<void>;
}

/** A PostgreSQL server of the test's own, for tests that stop and restart it. */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'empire-own-pg-'));
  // when run as root, PostgreSQL runs as the `postgres` user and must be able to enter the folder
  await chmod(dir, 0o755);
  const server = new EmbeddedPostgresServer({
    dataDir: join(dir, 'data'),
    port: await freePort(),
    logger: createLogger({ name: 'own-postgres', level: 'warn' }),
  });
  await server.start();
  return {
    server,
    url: (database) => server.url(database),
    dispose: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `empire ...args` as a real child process and waits for it to exit. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}, options: { timeoutMs?: number; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'cli/src/bin.ts'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end(options.input ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`empire ${args.join(' ')} did not finish in time\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** Polls `probe` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${options.what ?? 'condition'}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
}
