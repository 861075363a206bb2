import { retryWhile } from '../db/backoff.ts';
import { EmpireError, ErrorCode, errorMessage } from '../errors.ts';

export interface PublishRequest {
  name: string;
  url: string;
  sdl: string;
  author?: string;
  commit?: string;
  message?: string;
  force?: boolean;
}

export interface RegistryAnswer {
  httpStatus: number;
  body: { status?: string; version?: { version: number } | null; changes?: unknown[]; errors?: string[]; error?: string; code?: string };
}

/** POSTs to one of the registry's `/api/api-diff/*` endpoints. */
export async function callRegistry(registryUrl: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<RegistryAnswer> {
  let response: Response;
  try {
    response = await fetch(new URL(path, registryUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new EmpireError(
      ErrorCode.UpstreamFailed,
      `Schema registry at ${registryUrl} unreachable: ${errorMessage((error as { cause?: unknown }).cause ?? error)}`,
      { cause: error },
    );
  }
  const text = await response.text();
  try {
    return { httpStatus: response.status, body: JSON.parse(text) as RegistryAnswer['body'] };
  } catch {
    throw new EmpireError(ErrorCode.UpstreamFailed, `Schema registry answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}

/**
 * A subgraph's self-publish at start: retries while the registry is unreachable (it may be
 * starting too) for up to `waitMs`, then returns the registry's answer.
 */
export async function publishToRegistry(
  registryUrl: string,
  request: PublishRequest,
  options: { authorization: string; waitMs?: number },
): Promise<RegistryAnswer> {
  return retryWhile(
    () => callRegistry(registryUrl, '/api/api-diff/register', request, { authorization: options.authorization }),
    (error) => error instanceof EmpireError && error.code === ErrorCode.UpstreamFailed,
    { waitMs: options.waitMs ?? 60_000, maxDelayMs: 2_000 },
  );
}
