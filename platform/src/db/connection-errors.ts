import { ConnectionException } from '@mikro-orm/core';
import { EmpireError, ErrorCode, errorMessage } from '../errors.ts';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
const MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection refused/i,
  /Client has encountered a connection error/i,
  /the database system is (starting up|shutting down)/i,
];

/** True when `error` (or anything in its cause chain) means "the database cannot be reached". */
export function isConnectionError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    if (current instanceof ConnectionException) return true;
    if (current instanceof EmpireError) return current.code === ErrorCode.DbUnavailable;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith('08'))) return true;
    const message = current instanceof Error ? current.message : '';
    if (MESSAGES.some((pattern) => pattern.test(message))) return true;
    if (current instanceof AggregateError && current.errors.some(isConnectionError)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Rethrows connection failures as `DB_UNAVAILABLE`, everything else unchanged. */
export function toDbError(error: unknown): unknown {
  if (error instanceof EmpireError || !isConnectionError(error)) return error;
  return new EmpireError(ErrorCode.DbUnavailable, `The database is unavailable: ${errorMessage(error)}`, { cause: error });
}
