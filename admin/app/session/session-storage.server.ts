import { type AppLoadContext, createCookieSessionStorage, type Session, type SessionStorage } from '@remix-run/node';
import type { SignedInUser } from '../gateway/vault-types.ts';

/** The vault's tokens for the signed-in user; the browser holds them in a signed, httpOnly cookie. */
export interface AdminTokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires, as the gateway wrote it (ISO 8601). */
  expiresAt: string;
  user: SignedInUser;
}

export type AdminSession = Session<Partial<AdminTokens>>;

const COOKIE_NAME = 'empire_admin_session';

/** One storage per secret: startAdminServer fixes the secret, so in practice there is one. */
const storages = new Map<string, SessionStorage<Partial<AdminTokens>>>();

function storageFor(context: AppLoadContext): SessionStorage<Partial<AdminTokens>> {
  let storage = storages.get(context.sessionSecret);
  if (!storage) {
    storage = createCookieSessionStorage<Partial<AdminTokens>>({
      cookie: {
        name: COOKIE_NAME,
        secrets: [context.sessionSecret],
        httpOnly: true,
        sameSite: 'lax',
        secure: false,
        path: '/',
      },
    });
    storages.set(context.sessionSecret, storage);
  }
  return storage;
}

export function getAdminSession(request: Request, context: AppLoadContext): Promise<AdminSession> {
  return storageFor(context).getSession(request.headers.get('cookie'));
}

/** The session's tokens when all of them are there, else undefined (nobody signed in). */
export function tokensOf(session: AdminSession): AdminTokens | undefined {
  const { accessToken, refreshToken, expiresAt, user } = session.data;
  if (!accessToken || !refreshToken || !expiresAt || !user) return undefined;
  return { accessToken, refreshToken, expiresAt, user };
}

export function storeTokens(session: AdminSession, tokens: AdminTokens): void {
  session.set('accessToken', tokens.accessToken);
  session.set('refreshToken', tokens.refreshToken);
  session.set('expiresAt', tokens.expiresAt);
  session.set('user', tokens.user);
}

/** The Set-Cookie value that saves the session; `secure` only when the browser reached the admin over https. */
export function commitAdminSession(session: AdminSession, request: Request, context: AppLoadContext): Promise<string> {
  return storageFor(context).commitSession(session, { secure: reachedOverHttps(request) });
}

/** The Set-Cookie value that removes the session cookie. */
export function destroyAdminSession(session: AdminSession, request: Request, context: AppLoadContext): Promise<string> {
  return storageFor(context).destroySession(session, { secure: reachedOverHttps(request) });
}

function reachedOverHttps(request: Request): boolean {
  // Behind a TLS-terminating proxy the admin itself is spoken to over http.
  return new URL(request.url).protocol === 'https:' || request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}
