import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { EmbeddedPostgresServer } from '../db/embedded-postgres.ts';
import { createLogger } from '../logger.ts';
import { freePort } from './ports.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the PostgreSQL server of this test run (any database name; tests make their own). */
    empireTestPostgresUrl: string;
  }
}

/**
 * One PostgreSQL per test run: EMPIRE_TEST_DATABASE_URL when set (any PostgreSQL 14+ the
 * tests may create databases on), otherwise an embedded server in a temporary folder.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.EMPIRE_TEST_DATABASE_URL;
  if (external) {
    project.provide('empireTestPostgresUrl', external);
    return async () => {};
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'empire-test-pg-'));
  // when run as root, PostgreSQL runs as the `postgres` user and must be able to enter the folder
  await chmod(dataDir, 0o755);
  const server = new EmbeddedPostgresServer({
    dataDir: join(dataDir, 'data'),
    port: await freePort(),
    logger: createLogger({ name: 'test-postgres', level: 'warn' }),
  });
  await server.start();
  project.provide('empireTestPostgresUrl', server.url('postgres'));
  return async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
