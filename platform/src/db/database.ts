import { type EntityManager, MikroORM, type Options } from '@mikro-orm/postgresql';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { backoffDelay, sleep } from './backoff.ts';
import { isConnectionError, toDbError } from './connection-errors.ts';
import { describeUrl } from './connection-url.ts';

/** What `defineEntity` returns, for any entity. */
export type AnyEntitySchema = NonNullable<Options['entities']>[number];

export interface DatabaseOptions {
  url: string;
  entities: AnyEntitySchema[];
  logger: Logger;
  /** Pool size (EMPIRE_DB_POOL_MAX). */
  poolMax?: number;
  /** How long one connection attempt may take before the query fails with DB_UNAVAILABLE. */
  connectTimeoutMs?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  /** Extra MikroORM options (migrations, extensions). */
  orm?: Partial<Options>;
}

/**
 * The process's handle on PostgreSQL: a MikroORM instance over a `pg` pool that survives the
 * server going away. Queries made while the database is down fail fast with `DB_UNAVAILABLE`
 * and succeed again by themselves once it is back; the pool's idle-client errors are handled
 * by MikroORM's PostgreSQL connection, so a restart never crashes the process.
 */
export class Database {
  readonly orm: MikroORM;
  readonly url: string;
  readonly #logger: Logger;
  #connected = false;

  private constructor(orm: MikroORM, url: string, logger: Logger) {
    this.orm = orm;
    this.url = url;
    this.#logger = logger;
  }

  /** Builds the ORM. Does not wait for the server: use `waitUntilReachable` for that. */
  static async open(options: DatabaseOptions): Promise<Database> {
    const logger = options.logger;
    const orm = await MikroORM.init({
      clientUrl: options.url,
      entities: [...options.entities],
      ensureDatabase: false,
      allowGlobalContext: false,
      pool: { min: 0, max: options.poolMax ?? 10, idleTimeoutMillis: 30_000 },
      driverOptions: {
        connectionTimeoutMillis: options.connectTimeoutMs ?? 3_000,
        application_name: options.applicationName ?? 'empire',
        keepAlive: true,
      },
      loggerFactory: (loggerOptions) => {
        const child = logger.child({ component: 'mikro-orm' });
        return {
          log: (namespace: string, message: string) => child.debug({ namespace }, message),
          error: (namespace: string, message: string) => child.error({ namespace }, message),
          warn: (namespace: string, message: string) => child.warn({ namespace }, message),
          logQuery: () => {},
          setDebugMode: () => {},
          isEnabled: (namespace: string) => loggerOptions.debugMode === true || namespace !== 'query',
        };
      },
      ...options.orm,
    });
    return new Database(orm, options.url, logger);
  }

  /** A fresh EntityManager for one unit of work. */
  em(): EntityManager {
    return this.orm.em.fork();
  }

  /**
   * Runs `work` with a fresh EntityManager, mapping connection failures to `DB_UNAVAILABLE`.
   * Every store goes through here (or `transaction`).
   */
  async run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await work(this.em());
    } catch (error) {
      throw toDbError(error);
    }
  }

  /** Like `run`, inside one transaction that commits when `work` resolves. */
  async transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.em().transactional(work);
    } catch (error) {
      throw toDbError(error);
    }
  }

  /** Raw SQL with `?` placeholders, for stores and the schema doctor. */
  async query<T extends object = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.run((em) => em.getConnection().execute<T[]>(sql, params, 'all', em.getTransactionContext()));
  }

  /** True when a trivial query succeeds now. */
  async ping(): Promise<boolean> {
    return (await this.#check()).ok;
  }

  async #check(): Promise<{ ok: boolean; reason?: string; error?: Error }> {
    // the ORM connects lazily; until its first successful connect, checkConnection only says so
    if (!this.#connected) {
      try {
        await this.orm.connect();
        this.#connected = true;
      } catch (error) {
        return { ok: false, reason: errorMessage(error), error: error as Error };
      }
    }
    return this.orm.checkConnection();
  }

  /**
   * Retries with jittered backoff until the server answers or `timeoutMs` passes. Throws
   * `DB_UNAVAILABLE` after the deadline.
   */
  async waitUntilReachable(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const check = await this.#check();
      if (check.ok) return;
      if (!isConnectionError(check.error) && check.error) throw toDbError(check.error);
      if (Date.now() >= deadline || signal?.aborted) {
        throw toDbError(check.error ?? new Error(`could not reach ${describeUrl(this.url)}: ${check.reason}`));
      }
      const delay = Math.min(backoffDelay(attempt, { baseMs: 200, maxMs: 3_000 }), Math.max(0, deadline - Date.now()));
      this.#logger.warn(
        { attempt: attempt + 1, retryInMs: Math.round(delay), reason: check.reason, database: describeUrl(this.url) },
        'database not reachable yet',
      );
      await sleep(delay, signal);
    }
  }

  async close(): Promise<void> {
    await this.orm.close(true);
  }
}
