import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/** Exit code for a configuration error (EX_CONFIG from sysexits.h). */
export const CONFIG_ERROR_EXIT_CODE = 78;

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const postgresUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '' && url.pathname.length > 1;
    } catch {
      return false;
    }
  },
  { message: 'must be a URL like postgres://user:password@host:5432/database' },
);

const httpUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { message: 'must be an http(s) URL like http://127.0.0.1:4000' },
);

const base64Key = z.string().refine((value) => Buffer.from(value, 'base64').length === 32 && Buffer.from(value, 'base64').toString('base64') === value, {
  message: 'must be 32 random bytes in base64 (44 characters)',
});

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);

/**
 * Every environment variable the platform reads. `.env.example` and the README's env table
 * document exactly these.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.preprocess(emptyAsUndefined, postgresUrl.optional()),
  EMPIRE_DATA_DIR: z.string().min(1).default('.empire'),
  EMPIRE_EMBEDDED_PG_PORT: port.default(5488),
  EMPIRE_DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  EMPIRE_DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
  EMPIRE_DB_STARTUP_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(60_000),
  EMPIRE_GATEWAY_PORT: port.default(4000),
  EMPIRE_REGISTRY_PORT: port.default(4001),
  EMPIRE_ADMIN_PORT: port.default(3000),
  EMPIRE_SUBGRAPH_PORT_BASE: port.default(4101),
  EMPIRE_HOST: z.string().min(1).default('127.0.0.1'),
  EMPIRE_GATEWAY_URL: z.preprocess(emptyAsUndefined, httpUrl.optional()),
  EMPIRE_REGISTRY_URL: z.preprocess(emptyAsUndefined, httpUrl.optional()),
  EMPIRE_GATEWAY_POLL_MS: z.coerce.number().int().min(500).max(3_600_000).default(10_000),
  EMPIRE_MASTER_KEY: z.preprocess(emptyAsUndefined, base64Key.optional()),
  EMPIRE_MASTER_KEY_PREVIOUS: z.preprocess(emptyAsUndefined, base64Key.optional()),
  EMPIRE_API_KEY: z.preprocess(emptyAsUndefined, z.string().startsWith('emp_', 'must be an Empire API key (emp_...)').optional()),
  EMPIRE_JWT_ISSUER: z.string().min(1).default('empire-graph'),
  EMPIRE_JWT_AUDIENCE: z.string().min(1).default('empire-graph'),
  EMPIRE_JWT_ALGORITHM: z.enum(['EdDSA', 'ES256']).default('EdDSA'),
  EMPIRE_ACCESS_TOKEN_TTL_S: z.coerce.number().int().min(30).max(86_400).default(900),
  EMPIRE_REFRESH_TOKEN_TTL_S: z.coerce.number().int().min(300).max(31_536_000).default(2_592_000),
  EMPIRE_JWKS_CACHE_S: z.coerce.number().int().min(0).max(86_400).default(300),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema> & {
  /** EMPIRE_DATA_DIR resolved against the working directory. */
  dataDir: string;
  /** Where CLI commands and the admin find the gateway (EMPIRE_GATEWAY_URL or the local port). */
  gatewayUrl: string;
  /** Where subgraphs and CLI commands find the registry (EMPIRE_REGISTRY_URL or the local port). */
  registryUrl: string;
};

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Validates `env` and returns the typed config, or throws a ConfigError naming every problem. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      const value = env[name];
      const secret = /KEY|SECRET|PASSWORD|TOKEN/.test(name);
      const shown = value === undefined ? 'missing' : secret ? 'value hidden' : `got ${JSON.stringify(redactUrl(value))}`;
      return `${name}: ${issue.message} (${shown})`;
    });
    throw new ConfigError(problems);
  }
  const data = result.data;
  const local = (port: number) => `http://${data.EMPIRE_HOST === '0.0.0.0' ? '127.0.0.1' : data.EMPIRE_HOST}:${port}`;
  return {
    ...data,
    dataDir: resolve(data.EMPIRE_DATA_DIR),
    gatewayUrl: (data.EMPIRE_GATEWAY_URL ?? local(data.EMPIRE_GATEWAY_PORT)).replace(/\/+$/, ''),
    registryUrl: (data.EMPIRE_REGISTRY_URL ?? local(data.EMPIRE_REGISTRY_PORT)).replace(/\/+$/, ''),
  };
}

/** Hides the password of a URL-shaped value so a config error never prints a secret. */
function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return value;
  }
}

let loaded: Config | undefined;

/**
 * Loads `.env` from the working directory when present (without overriding variables that
 * are already set), validates the environment once and caches the result. On a bad or missing
 * variable it prints one message naming every problem and exits with code 78.
 */
export function loadConfig(): Config {
  if (loaded) return loaded;
  const envFile = resolve('.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  try {
    loaded = parseConfig(process.env);
    return loaded;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`empire: ${error.message}\n`);
      process.exit(CONFIG_ERROR_EXIT_CODE);
    }
    throw error;
  }
}
