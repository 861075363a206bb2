import { type RouteHandler, sendJson } from './http-server.ts';

export interface ReadinessCheck {
  name: string;
  /** Resolves to null when healthy, or a reason. Must not take long. */
  check: () => Promise<string | null> | string | null;
}

/**
 * `/health/live` answers 200 as long as the process runs and touches nothing else;
 * `/health/ready` runs every readiness check and answers 200 only when all pass.
 */
export function healthRoutes(options: {
  checks: ReadinessCheck[];
  info?: () => Record<string, unknown>;
  headers?: () => Record<string, string>;
}): RouteHandler {
  return async (_req, res, url) => {
    if (url.pathname === '/health/live') {
      sendJson(res, 200, { status: 'live', uptimeSeconds: Math.round(process.uptime()) });
      return true;
    }
    if (url.pathname !== '/health/ready') return false;
    const results = await Promise.all(
      options.checks.map(async ({ name, check }) => {
        const reason = await Promise.resolve()
          .then(check)
          .catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
        return { name, ok: reason === null, ...(reason === null ? {} : { reason }) };
      }),
    );
    const ready = results.every((r) => r.ok);
    sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks: results, ...options.info?.() }, options.headers?.() ?? {});
    return true;
  };
}
