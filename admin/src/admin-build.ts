import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The admin package folder (holds vite.config.ts, app/, public/, build/). */
export const ADMIN_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLIENT_BUILD_DIR = path.join(ADMIN_ROOT, 'build', 'client');
export const SERVER_BUILD_FILE = path.join(ADMIN_ROOT, 'build', 'server', 'index.js');

/** Held while a build runs, so processes starting together (parallel test workers) build once. */
const BUILD_LOCK_FILE = path.join(ADMIN_ROOT, '.build.lock');
const LOCK_POLL_MS = 200;

/** What the build reads: a change to any of these makes the build stale. */
const BUILD_INPUTS = ['app', 'public', 'vite.config.ts', 'package.json'].map((input) => path.join(ADMIN_ROOT, input));

let buildInFlight: Promise<void> | undefined;

/**
 * Runs the Remix Vite production build of the admin into admin/build/. It runs `remix
 * vite:build` in a child process because that command, not a single Vite build() call, chains
 * the client and server builds; the child also keeps Vite out of the server's memory.
 */
export function buildAdmin(): Promise<void> {
  buildInFlight ??= runRemixBuild().finally(() => {
    buildInFlight = undefined;
  });
  return buildInFlight;
}

/** Builds the admin only when admin/build/server/index.js is missing or older than a build input. */
export async function ensureAdminBuilt(): Promise<void> {
  if (buildInFlight) return buildInFlight;
  if (await isBuildFresh()) return;
  const release = await acquireBuildLock();
  try {
    // Another process may have built while this one waited for the lock.
    if (!(await isBuildFresh())) await buildAdmin();
  } finally {
    await release();
  }
}

async function isBuildFresh(): Promise<boolean> {
  if (!existsSync(SERVER_BUILD_FILE) || !existsSync(CLIENT_BUILD_DIR)) return false;
  return (await newestModification(BUILD_INPUTS)) <= (await stat(SERVER_BUILD_FILE)).mtimeMs;
}

/** Creates the lock file exclusively, waiting while a live process holds it and taking over one a dead process left. */
async function acquireBuildLock(): Promise<() => Promise<void>> {
  for (;;) {
    try {
      const handle = await open(BUILD_LOCK_FILE, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(BUILD_LOCK_FILE, { force: true });
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
    }
    const holder = Number(await readFile(BUILD_LOCK_FILE, 'utf8').catch(() => ''));
    if (holder > 0 && !isProcessAlive(holder)) await rm(BUILD_LOCK_FILE, { force: true });
    else await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

async function runRemixBuild(): Promise<void> {
  const remixCli = path.join(path.dirname(createRequire(import.meta.url).resolve('@remix-run/dev/package.json')), 'dist', 'cli.js');
  const output: string[] = [];
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [remixCli, 'vite:build'], {
      cwd: ADMIN_ROOT,
      // A test runner sets NODE_ENV=test, which would make Vite emit a development bundle.
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (exitCode !== 0) {
    throw new Error(`Admin build (remix vite:build in ${ADMIN_ROOT}) failed with exit code ${exitCode}:\n${output.join('').trim().slice(-4000)}`);
  }
}

async function newestModification(inputs: string[]): Promise<number> {
  let newest = 0;
  for (const input of inputs) {
    if (!existsSync(input)) continue;
    const info = await stat(input);
    newest = Math.max(newest, info.mtimeMs);
    if (!info.isDirectory()) continue;
    for (const entry of await readdir(input, { recursive: true, withFileTypes: true })) {
      newest = Math.max(newest, (await stat(path.join(entry.parentPath, entry.name))).mtimeMs);
    }
  }
  return newest;
}
