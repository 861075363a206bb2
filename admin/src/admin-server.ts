import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createLogger, type Logger } from '@empire/platform';
import { createRequestHandler, type ServerBuild } from '@remix-run/node';
import { CLIENT_BUILD_DIR, SERVER_BUILD_FILE } from './admin-build.ts';
import { sendFetchResponse, toFetchRequest } from './node-fetch-bridge.ts';
import { serveStaticAsset } from './static-assets.ts';

export { buildAdmin, ensureAdminBuilt } from './admin-build.ts';

export interface AdminServerOptions {
  /** Interface to listen on; the server listens there only. */
  host: string;
  /** 0 picks a free port; the returned `port` is the real one. */
  port: number;
  /** The gateway's HTTP GraphQL endpoint; its ws:// twin is where the browser subscribes. */
  gatewayUrl: string;
  /** Signs the session cookie (which holds the user's vault tokens); at least 32 characters. Keep it across restarts, or everyone signs in again. */
  sessionSecret: string;
  logger?: Logger;
}

export interface AdminServer {
  port: number;
  url: string;
  close: () => Promise<void>;
}

/** Shorter secrets make the cookie signature guessable. */
const MIN_SESSION_SECRET_LENGTH = 32;

/**
 * Serves the built admin (run ensureAdminBuilt first): files from admin/build/client as they
 * are, every other request through Remix with `{ gatewayUrl, sessionSecret }` as the loaders' context.
 */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  if (options.sessionSecret.length < MIN_SESSION_SECRET_LENGTH) {
    throw new Error(
      `startAdminServer: sessionSecret must be at least ${MIN_SESSION_SECRET_LENGTH} characters (it signs the admin session cookie); it has ${options.sessionSecret.length}`,
    );
  }
  const logger = options.logger ?? createLogger({ name: 'admin' });
  const build = await loadServerBuild();
  const handleRequest = createRequestHandler(build, 'production');
  const loadContext = { gatewayUrl: options.gatewayUrl, sessionSecret: options.sessionSecret };

  const server = createServer(async (req, res) => {
    try {
      if (await serveStaticAsset(req, res, CLIENT_BUILD_DIR)) return;
      const request = toFetchRequest(req, res, `http://${req.headers.host ?? hostForUrl(options.host)}`);
      await sendFetchResponse(res, await handleRequest(request, loadContext));
    } catch (error) {
      logger.error({ err: error, method: req.method, url: req.url }, 'admin request failed');
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Internal server error');
      } else {
        res.destroy();
      }
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${hostForUrl(options.host)}:${port}`;
  logger.info({ url, gatewayUrl: options.gatewayUrl }, 'admin listening');

  return {
    port,
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function loadServerBuild(): Promise<ServerBuild> {
  const builtAt = await stat(SERVER_BUILD_FILE).then(
    (info) => info.mtimeMs,
    () => {
      throw new Error(`The admin is not built (${SERVER_BUILD_FILE} is missing); call ensureAdminBuilt() before startAdminServer()`);
    },
  );
  // The query makes a rebuild in this process load the new build instead of the cached module.
  return (await import(`${pathToFileURL(SERVER_BUILD_FILE).href}?built=${builtAt}`)) as ServerBuild;
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
