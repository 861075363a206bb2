import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReadinessCheck {
  name: string;
  /** Resolves to null when healthy, or a reason. Must not take long. */
  check: () => Promise<string | null>;
}

export interface HealthServer {
  server: Server;
  port: number;
  close: () => Promise<void>;
}

/**
 * `/health/live` answers 200 as long as the process runs and touches nothing else;
 * `/health/ready` runs every readiness check and answers 200 only when all pass.
 */
export async function startHealthServer(options: {
  host: string;
  port: number;
  checks: ReadinessCheck[];
  info?: () => Record<string, unknown>;
}): Promise<HealthServer> {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (path === '/health/live') return send(200, { status: 'live', uptimeSeconds: Math.round(process.uptime()) });
    if (path === '/health/ready') {
      const results = await Promise.all(
        options.checks.map(async ({ name, check }) => {
          const reason = await check().catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
          return { name, ok: reason === null, ...(reason === null ? {} : { reason }) };
        }),
      );
      const ready = results.every((r) => r.ok);
      return send(ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks: results, ...options.info?.() });
    }
    send(404, { error: `No route for ${path}` });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
