import { prepareDatabase } from '@empire/migrations';
import { type Config, createLogger, describeUrl, EventBus, type Logger, startHealthServer } from '@empire/platform';
import { EMBEDDED_DATABASE, embeddedServer } from './database-target.ts';

export interface RunningPlatform {
  urls: Record<string, string>;
  stop: () => Promise<void>;
}

/**
 * Starts the platform in this process: the embedded PostgreSQL (unless DATABASE_URL is set),
 * migrations and the schema doctor, the event bus and the health endpoint. Every part started
 * is stopped again, in reverse order, by `stop` or when a later part fails to start.
 */
export async function startPlatform(config: Config, logger: Logger = createLogger({ name: 'empire', level: config.LOG_LEVEL })): Promise<RunningPlatform> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopPart of stops.reverse()) await stopPart().catch((error: unknown) => logger.error({ err: String(error) }, 'error while stopping'));
    stops.length = 0;
  };
  try {
    let url = config.DATABASE_URL;
    if (!url) {
      const server = embeddedServer(config, logger);
      await server.start();
      stops.push(() => server.stop());
      url = server.url(EMBEDDED_DATABASE);
    }
    const { db, heal } = await prepareDatabase({
      url,
      logger,
      waitMs: config.EMPIRE_DB_STARTUP_WAIT_MS,
      poolMax: config.EMPIRE_DB_POOL_MAX,
      connectTimeoutMs: config.EMPIRE_DB_CONNECT_TIMEOUT_MS,
      applicationName: 'empire',
    });
    stops.push(() => db.close());
    if (!heal.report.healthy) logger.warn({ problems: heal.report.problems.length }, 'schema has drift that needs a human: run `empire db check`');

    const bus = new EventBus({ db, logger, source: 'empire' });
    await bus.start();
    stops.push(() => bus.stop());

    const health = await startHealthServer({
      host: config.EMPIRE_HOST,
      port: config.EMPIRE_GATEWAY_PORT,
      checks: [
        { name: 'database', check: async () => ((await db.ping()) ? null : 'DB_UNAVAILABLE: the database does not answer') },
        { name: 'events', check: async () => (bus.state === 'listening' ? null : `event listener is ${bus.state}`) },
      ],
      info: () => ({ database: describeUrl(db.url) }),
    });
    stops.push(() => health.close());

    const base = `http://${config.EMPIRE_HOST}:${health.port}`;
    return { urls: { database: describeUrl(url), live: `${base}/health/live`, ready: `${base}/health/ready` }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
