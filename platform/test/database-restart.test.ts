import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { prepareDatabase } from '@empire/migrations';
import { freePort, type OwnPostgres, repoRoot, startOwnPostgres, waitFor } from '@empire/platform/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type EmpireEvent, EventBus, generateKey } from '../src/index.ts';

const logger = createLogger({ name: 'test', level: 'silent' });

describe('PostgreSQL restarting under a running process', () => {
  let pg: OwnPostgres;

  beforeAll(async () => {
    pg = await startOwnPostgres();
  });

  afterAll(async () => {
    await pg?.dispose();
  });

  it('fails fast with DB_UNAVAILABLE while down and recovers by itself within 5 s', async () => {
    const { db } = await prepareDatabase({ url: pg.url('restart_inproc'), logger, waitMs: 10_000, connectTimeoutMs: 1_000 });
    const bus = new EventBus({ db, logger, source: 'restart-listener' });
    const received: EmpireEvent[] = [];
    bus.subscribe('test.*', (event) => {
      received.push(event);
    });
    await bus.start();
    try {
      expect(await db.query('select 1 as one')).toEqual([{ one: 1 }]);
      await pg.server.stop();

      const started = Date.now();
      await expect(db.query('select 1')).rejects.toMatchObject({ code: 'DB_UNAVAILABLE' });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(await db.ping()).toBe(false);

      await pg.server.start();
      const back = Date.now();
      await waitFor(async () => ((await db.query('select 1 as one'))[0] ? true : undefined), { timeoutMs: 5_000, what: 'queries to succeed again' });
      expect(Date.now() - back).toBeLessThan(5_000);

      // the bus reconnects too, and nothing published after the restart is lost
      const event = await bus.publish('test.after_restart', {});
      await waitFor(() => (received.some((e) => e.id === event.id) ? true : undefined), { timeoutMs: 10_000, what: 'event after restart' });
    } finally {
      await bus.stop();
      await db.close();
    }
  });

  it('`empire start --only registry` keeps running through a restart and is ready again within 5 s', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [join(repoRoot, 'cli/src/bin.ts'), 'start', '--only', 'registry'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: pg.url('restart_process'),
        EMPIRE_MASTER_KEY: generateKey(),
        // as deployed: libraries that act differently under NODE_ENV=test (Apollo's signal handling) must not hide a bad shutdown
        NODE_ENV: 'production',
        EMPIRE_REGISTRY_PORT: String(port),
        LOG_LEVEL: 'warn',
        EMPIRE_DB_CONNECT_TIMEOUT_MS: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    let exitCode: number | null | undefined;
    child.on('exit', (code) => {
      exitCode = code;
    });
    const ready = () => fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status);
    try {
      // ready, and finished starting (it prints its URLs last)
      await waitFor(async () => ((await ready()) === 200 && output.includes('registry ') ? true : undefined), {
        timeoutMs: 30_000,
        what: 'empire start to be ready',
      }).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${output}`);
      });

      await pg.server.stop();
      await waitFor(async () => ((await ready()) === 503 ? true : undefined), { timeoutMs: 10_000, what: 'readiness to drop' });
      const live = await fetch(`http://127.0.0.1:${port}/health/live`);
      expect(live.status).toBe(200);
      const body = (await (await fetch(`http://127.0.0.1:${port}/health/ready`)).json()) as { checks: { name: string; reason?: string }[] };
      expect(body.checks.find((c) => c.name === 'database')?.reason).toContain('DB_UNAVAILABLE');

      await pg.server.start();
      const back = Date.now();
      await waitFor(async () => ((await ready()) === 200 ? true : undefined), { timeoutMs: 5_000, intervalMs: 100, what: 'readiness after restart' }).catch(
        (error: unknown) => {
          throw new Error(`${String(error)}\n${output}`);
        },
      );
      expect(Date.now() - back).toBeLessThan(5_000);
      expect(exitCode).toBeUndefined();
    } finally {
      child.kill('SIGTERM');
      const exited = new Promise((resolve) => (exitCode !== undefined ? resolve(undefined) : child.once('exit', resolve)));
      const stuck = await Promise.race([exited.then(() => false), new Promise((resolve) => setTimeout(() => resolve(true), 20_000))]);
      if (stuck) child.kill('SIGKILL');
      expect(stuck, `empire start did not stop on SIGTERM\n${output}`).toBe(false);
    }
    expect(exitCode).toBe(0);
  });
});
