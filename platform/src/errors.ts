/**
 * The one error family of Empire Graph. Every error that crosses a module boundary is an
 * `EmpireError` with a stable `code`; GraphQL layers copy it into `extensions.code`.
 */
export const ErrorCode = {
  BadUserInput: 'BAD_USER_INPUT',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  CompositionFailed: 'COMPOSITION_FAILED',
  BreakingChangeBlocked: 'BREAKING_CHANGE_BLOCKED',
  DbUnavailable: 'DB_UNAVAILABLE',
  UpstreamFailed: 'UPSTREAM_FAILED',
  Internal: 'INTERNAL_SERVER_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class EmpireError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EmpireError';
    this.code = code;
    this.details = options?.details ?? {};
  }
}

export function isEmpireError(error: unknown, code?: ErrorCode): error is EmpireError {
  return error instanceof EmpireError && (code === undefined || error.code === code);
}

/** Human-readable message of anything thrown, without a stack. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
