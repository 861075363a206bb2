/** How long a loader waits for the gateway before showing an error instead of hanging the page. */
const GATEWAY_TIMEOUT_MS = 10_000;

/** One entry of a GraphQL response's `errors`. */
export interface GraphQLErrorEntry {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: unknown };
}

/**
 * The gateway could not be reached, did not answer JSON, or answered GraphQL errors; `codes`
 * holds the errors' `extensions.code` values (empty when the gateway was not reached).
 */
export class GatewayError extends Error {
  override name = 'GatewayError';
  readonly codes: readonly string[];
  /** The gateway's own messages, without the "Gateway at ... answered" framing, for forms that show them as they are. */
  readonly gatewayMessages: readonly string[];

  constructor(message: string, errors: readonly GraphQLErrorEntry[] = []) {
    super(message);
    this.codes = errors.map(errorCode).filter((code) => code !== undefined);
    this.gatewayMessages = errors.map((error) => error.message);
  }

  hasCode(code: string): boolean {
    return this.codes.includes(code);
  }
}

/** What a route error boundary shows; thrown by loaders as `data(failure, { status })`. */
export interface PageFailure {
  title: string;
  detail: string;
}

export interface GatewayAnswer<TData> {
  data: TData;
  /** The `x-empire-supergraph-version` header: which supergraph the answering gateway runs. */
  supergraphVersion: string | null;
}

/** A GraphQL response as the gateway sent it: data (possibly partial) next to errors. */
export interface GatewayResponse<TData> {
  data: TData | null;
  errors: GraphQLErrorEntry[];
  supergraphVersion: string | null;
  status: number;
}

export interface GatewayOperation {
  query: string;
  variables: Record<string, unknown>;
}

interface GraphQLResponseBody<TData> {
  data?: TData | null;
  errors?: GraphQLErrorEntry[];
}

/**
 * Posts one GraphQL operation to the gateway, with `Authorization: Bearer <accessToken>` when
 * given, and returns the response with its errors; throws a GatewayError only when the gateway
 * could not be reached or did not answer GraphQL over JSON.
 */
export async function postToGateway<TData>(
  gatewayUrl: string,
  operation: GatewayOperation,
  options: { signal: AbortSignal; accessToken?: string },
): Promise<GatewayResponse<TData>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
  if (options.accessToken) headers.authorization = `Bearer ${options.accessToken}`;
  let response: Response;
  let text: string;
  try {
    response = await fetch(gatewayUrl, {
      method: 'POST',
      headers,
      body: JSON.stringify(operation),
      signal: AbortSignal.any([options.signal, AbortSignal.timeout(GATEWAY_TIMEOUT_MS)]),
    });
    text = await response.text();
  } catch (error) {
    throw new GatewayError(`Gateway at ${gatewayUrl} unreachable: ${describeFetchFailure(error)}`);
  }
  let body: GraphQLResponseBody<TData>;
  try {
    body = JSON.parse(text) as GraphQLResponseBody<TData>;
  } catch {
    throw new GatewayError(`Gateway at ${gatewayUrl} answered HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return {
    data: body.data ?? null,
    errors: body.errors ?? [],
    supergraphVersion: response.headers.get('x-empire-supergraph-version'),
    status: response.status,
  };
}

/** Throws a GatewayError naming every error of the response, or returns its data when there were none. */
export function requireData<TData>(gatewayUrl: string, response: GatewayResponse<TData>): GatewayAnswer<TData> {
  if (response.errors.length > 0) {
    throw new GatewayError(`Gateway at ${gatewayUrl} answered errors: ${response.errors.map(describeGraphQLError).join('; ')}`, response.errors);
  }
  if (!response.data) throw new GatewayError(`Gateway at ${gatewayUrl} answered HTTP ${response.status} without data`);
  return { data: response.data, supergraphVersion: response.supergraphVersion };
}

/** What a form shows for a failed call: the gateway's own messages when it answered, else why it could not be asked. */
export function failureMessage(error: GatewayError): string {
  return error.gatewayMessages.length > 0 ? error.gatewayMessages.join(' ') : error.message;
}

/** The HTTP status an action answers for a failed call: what the gateway's error code means, 502 when it was not reached. */
export function statusForFailure(error: GatewayError): number {
  if (error.hasCode('UNAUTHENTICATED')) return 401;
  if (error.hasCode('FORBIDDEN')) return 403;
  if (error.hasCode('NOT_FOUND')) return 404;
  if (error.hasCode('CONFLICT')) return 409;
  if (error.hasCode('BAD_USER_INPUT')) return 400;
  return 502;
}

/** "message (CODE)", or the message alone when the error has no code. */
function describeGraphQLError(error: GraphQLErrorEntry): string {
  const code = errorCode(error);
  return code === undefined ? error.message : `${error.message} (${code})`;
}

export function errorCode(error: GraphQLErrorEntry): string | undefined {
  return typeof error.extensions?.code === 'string' ? error.extensions.code : undefined;
}

function describeFetchFailure(error: unknown): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return `no answer within ${GATEWAY_TIMEOUT_MS / 1000} s`;
  // undici reports "fetch failed" and keeps the socket error (ECONNREFUSED, ENOTFOUND, ...) as the cause.
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause && typeof cause === 'object') {
    if ('code' in cause && typeof cause.code === 'string') return cause.code;
    if (cause instanceof Error) return cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}
