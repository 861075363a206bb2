import { GatewayError, postToGateway, requireData } from '../gateway/gateway-client.server.ts';
import { AUTH_PAYLOAD_FIELDS, type AuthPayload } from '../gateway/vault-types.ts';
import type { AdminTokens } from './session-storage.server.ts';

const LOGIN_MUTATION = `
  mutation AdminLogin($email: String!, $password: String!) {
    login(email: $email, password: $password) { ${AUTH_PAYLOAD_FIELDS} }
  }
`;

const REFRESH_MUTATION = `
  mutation AdminRefreshToken($refreshToken: String!) {
    refreshToken(refreshToken: $refreshToken) { ${AUTH_PAYLOAD_FIELDS} }
  }
`;

const LOGOUT_MUTATION = `
  mutation AdminLogout($refreshToken: String!) {
    logout(refreshToken: $refreshToken)
  }
`;

/** An access token with less than this left is refreshed before it is used. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * How long a refresh's answer is handed to every other caller presenting the same refresh
 * token. A page load runs its loaders in parallel and a browser may send several requests with
 * the old cookie; refresh tokens rotate and presenting a used one revokes the whole family, so
 * only the first caller may spend it.
 */
const REFRESH_SHARE_MS = 60_000;

/** Codes with which the vault refuses a refresh token for good (expired, revoked, reused). */
const REFUSAL_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT'];

const refreshesInFlight = new Map<string, Promise<AdminTokens>>();

/** Calls `login`; throws a GatewayError carrying the vault's message and code when it refuses. */
export async function logIn(gatewayUrl: string, credentials: { email: string; password: string }, signal: AbortSignal): Promise<AdminTokens> {
  const response = await postToGateway<{ login: AuthPayload }>(gatewayUrl, { query: LOGIN_MUTATION, variables: credentials }, { signal });
  return tokensFrom(requireData(gatewayUrl, response).data.login);
}

/**
 * Trades a refresh token for new tokens once, however many callers ask for the same token at
 * the same time (see REFRESH_SHARE_MS). Throws a GatewayError; `isRefusal` tells a dead session
 * from a gateway that could not be asked.
 */
export function refreshTokens(gatewayUrl: string, refreshToken: string): Promise<AdminTokens> {
  const key = `${gatewayUrl}\n${refreshToken}`;
  const shared = refreshesInFlight.get(key);
  if (shared) return shared;
  // Not tied to one request's signal: other requests may be waiting on this refresh.
  const refresh = postToGateway<{ refreshToken: AuthPayload }>(
    gatewayUrl,
    { query: REFRESH_MUTATION, variables: { refreshToken } },
    { signal: new AbortController().signal },
  ).then((response) => tokensFrom(requireData(gatewayUrl, response).data.refreshToken));
  refreshesInFlight.set(key, refresh);
  const forget = () => refreshesInFlight.delete(key);
  refresh.then(
    () => setTimeout(forget, REFRESH_SHARE_MS).unref(),
    (error: unknown) => {
      // A refused token stays refused; a gateway that was not reached may be asked again.
      if (isRefusal(error)) setTimeout(forget, REFRESH_SHARE_MS).unref();
      else forget();
    },
  );
  return refresh;
}

/** True when the vault refused the credentials, false when the gateway failed or was not reached. */
export function isRefusal(error: unknown): boolean {
  return error instanceof GatewayError && REFUSAL_CODES.some((code) => error.hasCode(code));
}

/** Ends the refresh-token family at the vault; the caller drops the cookie whatever the answer. */
export async function logOut(gatewayUrl: string, tokens: AdminTokens, signal: AbortSignal): Promise<void> {
  const response = await postToGateway<{ logout: boolean }>(
    gatewayUrl,
    { query: LOGOUT_MUTATION, variables: { refreshToken: tokens.refreshToken } },
    { signal, accessToken: tokens.accessToken },
  );
  requireData(gatewayUrl, response);
}

/** True when the access token expires within REFRESH_MARGIN_MS; false when `expiresAt` cannot be read (the gateway's answer decides then). */
export function expiresSoon(expiresAt: string, now = Date.now()): boolean {
  const expiry = parseExpiry(expiresAt);
  return expiry !== undefined && expiry - now < REFRESH_MARGIN_MS;
}

/** Milliseconds since the epoch from an ISO timestamp, or from epoch seconds or milliseconds written as digits. */
export function parseExpiry(expiresAt: string): number | undefined {
  if (/^\d+$/.test(expiresAt)) {
    const value = Number(expiresAt);
    return value < 1e12 ? value * 1000 : value;
  }
  const parsed = Date.parse(expiresAt);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function tokensFrom(payload: AuthPayload): AdminTokens {
  return {
    accessToken: payload.accessToken,
    refreshToken: payload.refreshToken,
    expiresAt: payload.expiresAt,
    user: { email: payload.user.email, role: payload.user.role },
  };
}
