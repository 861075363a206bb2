import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'emp_';
const BODY_BYTES = 24;

function checksum(body: string): string {
  return createHash('sha256').update(`empire-api-key:${body}`).digest('base64url').slice(0, 6);
}

/** A new API key: `emp_` + random + checksum. Shown once; only its hash is stored. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const body = randomBytes(BODY_BYTES).toString('base64url');
  const key = `${PREFIX}${body}${checksum(body)}`;
  return { key, prefix: key.slice(0, 12), hash: hashApiKey(key) };
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(PREFIX);
}

/** Catches typos and truncation before any lookup. */
export function apiKeyChecksumValid(key: string): boolean {
  if (!key.startsWith(PREFIX) || key.length !== PREFIX.length + 32 + 6) return false;
  const body = key.slice(PREFIX.length, -6);
  return checksum(body) === key.slice(-6);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
