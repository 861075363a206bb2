import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.ico': 'image/x-icon',
  '.jpg': 'image/jpeg',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/** Vite puts a content hash in every file name under /assets/, so those never change. */
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
const SHORT_CACHE = 'public, max-age=300';

/**
 * Serves a GET or HEAD for a file under `clientDir` (the Remix client build) and answers true,
 * or answers false when the request is for something else and belongs to Remix.
 */
export async function serveStaticAsset(req: IncomingMessage, res: ServerResponse, clientDir: string): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const filePath = resolveInside(clientDir, new URL(req.url ?? '/', 'http://admin').pathname);
  if (!filePath) return false;
  const info = await stat(filePath).catch(() => undefined);
  if (!info?.isFile()) return false;

  const relative = path.relative(clientDir, filePath).split(path.sep).join('/');
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': relative.startsWith('assets/') ? IMMUTABLE_CACHE : SHORT_CACHE,
    'last-modified': info.mtime.toUTCString(),
  });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  await pipeline(createReadStream(filePath), res);
  return true;
}

/** The file a URL path names inside `root`, or undefined for paths that escape it or name hidden files (build/client/.vite). */
function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.split('/').some((segment) => segment.startsWith('.'))) return undefined;
  const resolved = path.resolve(root, `.${decoded}`);
  return resolved.startsWith(root + path.sep) ? resolved : undefined;
}
