import { type AppLoadContext, data, redirect } from '@remix-run/node';
import {
  errorCode,
  type GatewayAnswer,
  GatewayError,
  type GatewayResponse,
  type PageFailure,
  postToGateway,
  requireData,
} from '../gateway/gateway-client.server.ts';
import type { SignedInUser } from '../gateway/vault-types.ts';
import { loginPath } from './login-path.ts';
import {
  type AdminSession,
  type AdminTokens,
  commitAdminSession,
  destroyAdminSession,
  getAdminSession,
  storeTokens,
  tokensOf,
} from './session-storage.server.ts';
import { expiresSoon, isRefusal, refreshTokens } from './vault-auth.server.ts';

interface RequestArgs {
  request: Request;
  context: AppLoadContext;
}

/**
 * The gateway as the signed-in user: every call carries their access token, which is refreshed
 * once when it is about to expire or the gateway answers UNAUTHENTICATED. A refused refresh
 * ends the session and redirects to /login?next=<this page>. Loaders and actions return
 * `headers` with their answer so a refreshed session reaches the browser.
 */
export class SignedInGateway {
  /** Set-Cookie for the refreshed session, when there was a refresh. */
  readonly headers = new Headers();
  readonly #args: RequestArgs;
  readonly #session: AdminSession;
  #tokens: AdminTokens;
  #refreshed = false;

  private constructor(args: RequestArgs, session: AdminSession, tokens: AdminTokens) {
    this.#args = args;
    this.#session = session;
    this.#tokens = tokens;
  }

  /** Opens the session of the request, or throws a redirect to /login when there is none (or it cannot be refreshed). */
  static async open(args: RequestArgs): Promise<SignedInGateway> {
    const session = await getAdminSession(args.request, args.context);
    const tokens = tokensOf(session);
    if (!tokens) throw redirect(loginPath(args.request));
    const gateway = new SignedInGateway(args, session, tokens);
    if (expiresSoon(tokens.expiresAt)) await gateway.#refresh();
    return gateway;
  }

  get user(): SignedInUser {
    return this.#tokens.user;
  }

  get tokens(): AdminTokens {
    return this.#tokens;
  }

  get gatewayUrl(): string {
    return this.#args.context.gatewayUrl;
  }

  /** The gateway's full response (errors included); refreshes and retries once on UNAUTHENTICATED. */
  async request<TData>(query: string, variables: Record<string, unknown> = {}): Promise<GatewayResponse<TData>> {
    const send = () =>
      postToGateway<TData>(this.gatewayUrl, { query, variables }, { signal: this.#args.request.signal, accessToken: this.#tokens.accessToken });
    const response = await send();
    if (this.#refreshed || !response.errors.some((error) => errorCode(error) === 'UNAUTHENTICATED')) return response;
    await this.#refresh();
    return send();
  }

  /** The operation's data; throws a GatewayError naming every error the gateway answered. */
  async query<TData>(query: string, variables: Record<string, unknown> = {}): Promise<GatewayAnswer<TData>> {
    return requireData(this.gatewayUrl, await this.request<TData>(query, variables));
  }

  /** `query` for loaders: a failure is thrown as the page failure the route's error boundary renders. */
  async load<TData>(query: string, variables: Record<string, unknown> = {}): Promise<GatewayAnswer<TData>> {
    try {
      return await this.query<TData>(query, variables);
    } catch (error) {
      throw this.#asPageFailure(error);
    }
  }

  /** A page failure for a GatewayError (403 for FORBIDDEN, 401 for UNAUTHENTICATED, else 502) carrying the session cookie. */
  #asPageFailure(error: unknown): unknown {
    if (!(error instanceof GatewayError)) return error;
    const init = { headers: this.headers };
    if (error.hasCode('FORBIDDEN')) {
      return data<PageFailure>({ title: `Not allowed for role ${this.user.role}`, detail: error.message }, { ...init, status: 403 });
    }
    if (error.hasCode('UNAUTHENTICATED')) {
      return data<PageFailure>({ title: 'The gateway refused the session', detail: error.message }, { ...init, status: 401 });
    }
    return data<PageFailure>({ title: 'Gateway request failed', detail: error.message }, { ...init, status: 502 });
  }

  async #refresh(): Promise<void> {
    this.#refreshed = true;
    const outcome = await refreshSession(this.#args, this.#session, this.#tokens).catch((error: unknown) => {
      throw this.#asPageFailure(error);
    });
    if (outcome.kind === 'refused') throw redirect(loginPath(this.#args.request), { headers: { 'Set-Cookie': outcome.cookie } });
    this.#tokens = outcome.tokens;
    this.headers.set('Set-Cookie', outcome.cookie);
  }
}

/**
 * Who is signed in, for the root loader (which renders /login too, so it never redirects): the
 * session's tokens, refreshed when about to expire, or null, with a header clearing the cookie
 * when the session could not be refreshed.
 */
export async function readSignIn(args: RequestArgs): Promise<{ tokens: AdminTokens | null; headers: Headers }> {
  const headers = new Headers();
  const session = await getAdminSession(args.request, args.context);
  const tokens = tokensOf(session);
  if (!tokens || !expiresSoon(tokens.expiresAt)) return { tokens: tokens ?? null, headers };
  try {
    const outcome = await refreshSession(args, session, tokens);
    headers.set('Set-Cookie', outcome.cookie);
    return { tokens: outcome.kind === 'refreshed' ? outcome.tokens : null, headers };
  } catch (error) {
    // The gateway could not be asked; the page's own loader reports that failure.
    if (error instanceof GatewayError) return { tokens, headers };
    throw error;
  }
}

type RefreshOutcome = { kind: 'refreshed'; tokens: AdminTokens; cookie: string } | { kind: 'refused'; cookie: string };

/** Refreshes the session's tokens and answers the Set-Cookie that saves them, or that clears the session when the vault refused; throws a GatewayError when the gateway could not be asked. */
async function refreshSession({ request, context }: RequestArgs, session: AdminSession, tokens: AdminTokens): Promise<RefreshOutcome> {
  let fresh: AdminTokens;
  try {
    fresh = await refreshTokens(context.gatewayUrl, tokens.refreshToken);
  } catch (error) {
    if (isRefusal(error)) return { kind: 'refused', cookie: await destroyAdminSession(session, request, context) };
    throw error;
  }
  storeTokens(session, fresh);
  return { kind: 'refreshed', tokens: fresh, cookie: await commitAdminSession(session, request, context) };
}
