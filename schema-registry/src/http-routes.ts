import { EmpireError, ErrorCode, isEmpireError } from '@empire/platform';
import { type RouteHandler, readJsonBody, sendJson } from '@empire/platform/graphql';
import type { SchemaRegistryService } from './service.ts';
import type { PublishResult } from './types.ts';

const STATUS_FOR_ERROR: Partial<Record<string, number>> = {
  [ErrorCode.BadUserInput]: 400,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.DbUnavailable]: 503,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
};

/** A JSON view of a publish result: the version without its (large) SDLs. */
export function publishResultJson(result: Omit<PublishResult, 'version'> & { version?: PublishResult['version'] }) {
  const { version, ...rest } = result;
  if (!version) return { ...rest, version: null };
  const { supergraphSdl: _s, apiSchemaSdl: _a, subgraphs, ...summary } = version;
  return { ...rest, version: { ...summary, subgraphs: subgraphs.map(({ name, url }) => ({ name, url })) } };
}

function route(
  method: string,
  path: string,
  handle: (body: unknown, url: URL) => Promise<{ status: number; body: unknown; headers?: Record<string, string> }>,
): RouteHandler {
  return async (req, res, url) => {
    if (url.pathname !== path || req.method !== method) return false;
    try {
      const body = method === 'POST' ? await readJsonBody(req) : undefined;
      const result = await handle(body, url);
      sendJson(res, result.status, result.body, result.headers);
    } catch (error) {
      if (!isEmpireError(error)) throw error;
      sendJson(res, STATUS_FOR_ERROR[error.code] ?? 500, { error: error.message, code: error.code, ...error.details });
    }
    return true;
  };
}

/** The registry's REST API (`/api/api-diff/*`) and `GET /supergraph` for routers. */
export function registryRoutes(service: SchemaRegistryService): RouteHandler[] {
  const force = (body: unknown) => (body as { force?: unknown } | undefined)?.force === true;
  return [
    route('POST', '/api/api-diff/register', async (body) => {
      const result = await service.publish(body, { force: force(body) });
      return { status: result.status === 'REJECTED' ? 422 : 200, body: publishResultJson(result) };
    }),
    route('POST', '/api/api-diff/check', async (body) => {
      const result = await service.check(body, { force: force(body) });
      return { status: result.status === 'REJECTED' ? 422 : 200, body: result };
    }),
    route('POST', '/api/api-diff/rollback', async (body) => {
      const version = Number((body as { version?: unknown } | undefined)?.version);
      const result = await service.rollback(version);
      return { status: result.status === 'REJECTED' ? 422 : 200, body: publishResultJson(result) };
    }),
    route('GET', '/api/api-diff/history', async (_body, url) => {
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const versions = await service.history(limit);
      return { status: 200, body: { versions: versions.map((v) => publishResultJson({ status: 'PUBLISHED', version: v, changes: [], errors: [] }).version) } };
    }),
    async (req, res, url) => {
      if (url.pathname !== '/supergraph' || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
      const active = await service.active().catch((error: unknown) => {
        throw isEmpireError(error) ? error : new EmpireError(ErrorCode.Internal, String(error));
      });
      if (!active) {
        sendJson(res, 404, { error: 'No supergraph has been published yet' });
        return true;
      }
      const etag = `"v${active.version}"`;
      const headers = { etag, 'x-empire-supergraph-version': String(active.version), 'cache-control': 'no-cache' };
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, headers);
        res.end();
        return true;
      }
      res.writeHead(200, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : active.supergraphSdl);
      return true;
    },
  ];
}
