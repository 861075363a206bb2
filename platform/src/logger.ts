import { type Logger, pino } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line. */
const REDACT_PATHS = [
  'password',
  'secret',
  'token',
  'apiKey',
  'authorization',
  '*.password',
  '*.secret',
  '*.token',
  '*.apiKey',
  '*.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
];

/** JSON logger (pino) for one process or component. */
export function createLogger(options: { name: string; level?: string; destination?: string }): Logger {
  const settings = {
    name: options.name,
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  // a file destination is written synchronously, so nothing is lost when a test reads it back
  return options.destination ? pino(settings, pino.destination({ dest: options.destination, sync: true })) : pino(settings);
}
