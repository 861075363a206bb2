import type { IncomingMessage } from 'node:http';
import { authenticateRequest, type CredentialSource, ErrorCode, isEmpireError, type Principal, requireScope } from '@empire/platform';
import { type RouteHandler, readJsonBody, sendJson } from '@empire/platform/graphql';
import type { SchemaRegistryService } from './service.ts';
import type { PublishResult, SchemaVersionRecord } from './types.ts';

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

interface RouteResult {
  status: number;
  body?: unknown;
  /** Sent as text/plain instead of JSON. */
  text?: string;
  headers?: Record<string, string>;
}

type Handler = (body: unknown, url: URL, actor: Principal, req: IncomingMessage) => Promise<RouteResult>;

/** A route that authenticates the caller and requires `scope` before `handle` runs. */
function routeFor(verifier: CredentialSource) {
  return (method: string, path: string, scope: string, handle: Handler): RouteHandler =>
    async (req, res, url) => {
      if (url.pathname !== path || (req.method !== method && !(method === 'GET' && req.method === 'HEAD'))) return false;
      try {
        const auth = await authenticateRequest(verifier, req.headers, req.socket.remoteAddress ?? null);
        const actor = requireScope(auth.principal, scope);
        const body = method === 'POST' ? await readJsonBody(req) : undefined;
        const result = await handle(body, url, actor, req);
        if (result.status === 304 || result.text !== undefined) {
          res.writeHead(result.status, { ...(result.text !== undefined ? { 'content-type': 'text/plain; charset=utf-8' } : {}), ...result.headers });
          res.end(req.method === 'HEAD' ? undefined : result.text);
        } else sendJson(res, result.status, result.body, result.headers);
      } catch (error) {
        if (!isEmpireError(error)) throw error;
        sendJson(res, STATUS_FOR_ERROR[error.code] ?? 500, { error: error.message, code: error.code, ...error.details });
      }
      return true;
    };
}

/** The active version with an ETag; 304 when the caller has it already, 404 before the first publish. */
function supergraphResponse(req: IncomingMessage, active: SchemaVersionRecord | null, render: (version: SchemaVersionRecord) => RouteResult): RouteResult {
  if (!active) return { status: 404, body: { error: 'No supergraph has been published yet' } };
  const etag = `"v${active.version}"`;
  const headers = { etag, 'x-empire-supergraph-version': String(active.version), 'cache-control': 'no-cache' };
  if (req.headers['if-none-match'] === etag) return { status: 304, headers };
  return { ...render(active), headers };
}

/** The registry's REST API (`/api/api-diff/*`) and `GET /supergraph` for routers; every call needs a credential. */
export function registryRoutes(service: SchemaRegistryService, verifier: CredentialSource): RouteHandler[] {
  const route = routeFor(verifier);
  const force = (body: unknown) => (body as { force?: unknown } | undefined)?.force === true;
  const withAuthor = (body: unknown, actor: Principal) => ({ author: actor.name, ...(body as object) });
  return [
    route('POST', '/api/api-diff/register', 'schema:publish', async (body, _url, actor) => {
      const result = await service.publish(withAuthor(body, actor), { force: force(body) });
      return { status: result.status === 'REJECTED' ? 422 : 200, body: publishResultJson(result) };
    }),
    route('POST', '/api/api-diff/check', 'schema:publish', async (body, _url, actor) => {
      const result = await service.check(withAuthor(body, actor), { force: force(body) });
      return { status: result.status === 'REJECTED' ? 422 : 200, body: result };
    }),
    route('POST', '/api/api-diff/rollback', 'schema:rollback', async (body, _url, actor) => {
      const version = Number((body as { version?: unknown } | undefined)?.version);
      const result = await service.rollback(version, actor.name);
      return { status: result.status === 'REJECTED' ? 422 : 200, body: publishResultJson(result) };
    }),
    route('GET', '/api/api-diff/history', 'schema:read', async (_body, url) => {
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const versions = await service.history(limit);
      return { status: 200, body: { versions: versions.map((v) => publishResultJson({ status: 'PUBLISHED', version: v, changes: [], errors: [] }).version) } };
    }),
    // the full supergraph, SECURITY features included, for Apollo Router or Hive Router
    route('GET', '/supergraph', 'schema:read', async (_body, _url, _actor, req) =>
      supergraphResponse(req, await service.active(), (v) => ({ status: 200, text: v.supergraphSdl })),
    ),
    // the copy @apollo/gateway can load, with the access rules it must enforce
    route('GET', '/supergraph/gateway', 'schema:read', async (_body, _url, _actor, req) =>
      supergraphResponse(req, await service.active(), (v) => ({
        status: 200,
        body: { version: v.version, sdl: v.gatewaySupergraphSdl ?? v.supergraphSdl, policies: v.policies },
      })),
    ),
  ];
}
