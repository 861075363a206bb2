import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApolloServer, type BaseContext, HeaderMap } from '@apollo/server';
import { WebSocketServer } from 'ws';

/** A route handler: returns true when it answered the request. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> | boolean;

export interface EmpireHttpServer {
  server: Server;
  port: number;
  url: string;
  close: () => Promise<void>;
}

export interface HttpServerOptions<TContext extends BaseContext> {
  host: string;
  port: number;
  /** Answered first, in order (REST endpoints, health). */
  routes?: RouteHandler[];
  /** Serves `POST/GET /graphql` when given. */
  graphql?: { apollo: ApolloServer<TContext>; context: (req: IncomingMessage) => Promise<TContext> };
  /** Receives WebSocket upgrades on `/graphql` (graphql-ws). */
  webSocket?: (wss: WebSocketServer) => { dispose: () => void | Promise<void> };
  maxBodyBytes?: number;
}

export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Reads and parses a JSON request body, refusing bodies over `maxBytes`. */
export async function readJsonBody(req: IncomingMessage, maxBytes = 5_000_000): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new HttpError(413, `Request body is larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Request body is not valid JSON');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

async function serveGraphQL<TContext extends BaseContext>(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  graphql: NonNullable<HttpServerOptions<TContext>['graphql']>,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const body = req.method === 'POST' ? await readJsonBody(req) : undefined;
  const response = await graphql.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
    context: () => graphql.context(req),
  });
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * One `node:http` server for a process: its REST routes, `/graphql` over HTTP through Apollo
 * Server, and graphql-ws on the same path. Listens on `host` only; port 0 picks a free port.
 */
export async function startHttpServer<TContext extends BaseContext>(options: HttpServerOptions<TContext>): Promise<EmpireHttpServer> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      for (const route of options.routes ?? []) {
        if (await route(req, res, url)) return;
      }
      if (options.graphql && url.pathname === '/graphql') return await serveGraphQL(req, res, url, options.graphql);
      sendJson(res, 404, { error: `No route for ${req.method} ${url.pathname}` });
    } catch (error) {
      if (res.headersSent) return res.end();
      if (error instanceof HttpError) return sendJson(res, error.status, { error: error.message });
      sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
    }
  });
  server.keepAliveTimeout = 65_000;
  let disposeWs: (() => void | Promise<void>) | undefined;
  if (options.webSocket) {
    const wss = new WebSocketServer({ server, path: '/graphql' });
    disposeWs = options.webSocket(wss).dispose;
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    server,
    port,
    url: `http://${options.host}:${port}`,
    // idempotent: a part may be stopped by a test and again by its owner
    close: () => {
      closing ??= (async () => {
        await disposeWs?.();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
