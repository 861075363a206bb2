import { data } from '@remix-run/node';

/** How long a loader waits for the gateway before showing an error instead of hanging the page. */
const GATEWAY_TIMEOUT_MS = 10_000;

/** The gateway could not be reached, did not answer JSON, or answered GraphQL errors. */
export class GatewayError extends Error {
  override name = 'GatewayError';
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

interface GraphQLResponseBody<TData> {
  data?: TData | null;
  errors?: { message: string; extensions?: { code?: unknown } }[];
}

/** Posts one GraphQL operation to the gateway and returns its data, or throws a GatewayError that says what failed. */
export async function queryGateway<TData>(
  gatewayUrl: string,
  query: string,
  variables: Record<string, unknown>,
  signal: AbortSignal,
): Promise<GatewayAnswer<TData>> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.any([signal, AbortSignal.timeout(GATEWAY_TIMEOUT_MS)]),
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
  if (body.errors && body.errors.length > 0) {
    const messages = body.errors.map((error) => (typeof error.extensions?.code === 'string' ? `${error.message} (${error.extensions.code})` : error.message));
    throw new GatewayError(`Gateway at ${gatewayUrl} answered errors: ${messages.join('; ')}`);
  }
  if (!body.data) {
    throw new GatewayError(`Gateway at ${gatewayUrl} answered HTTP ${response.status} without data`);
  }
  return { data: body.data, supergraphVersion: response.headers.get('x-empire-supergraph-version') };
}

/** queryGateway for loaders: a failure becomes a 502 the route's error boundary renders. */
export async function loadFromGateway<TData>(
  gatewayUrl: string,
  query: string,
  variables: Record<string, unknown>,
  signal: AbortSignal,
): Promise<GatewayAnswer<TData>> {
  try {
    return await queryGateway<TData>(gatewayUrl, query, variables, signal);
  } catch (error) {
    if (error instanceof GatewayError) {
      throw data<PageFailure>({ title: 'Gateway request failed', detail: error.message }, { status: 502 });
    }
    throw error;
  }
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
