/** Where signing in lands when no (acceptable) `next` was given. */
export const DEFAULT_AFTER_LOGIN = '/schema';

const RELATIVE_PATH_BASE = 'http://admin.invalid';

/** Search parameters Remix adds to its own data requests; they are no part of the page's address. */
const REMIX_PARAMS = ['_routes', '_data', 'index'];

/** `/login?next=<the page of this request>`. */
export function loginPath(request: Request): string {
  const url = new URL(request.url);
  for (const name of REMIX_PARAMS) url.searchParams.delete(name);
  const next = `${url.pathname}${url.search}`;
  return next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}

/**
 * `raw` when it is a path on this admin ("/vault?x=1"), else DEFAULT_AFTER_LOGIN: an absolute
 * or protocol-relative URL ("https://evil.test", "//evil.test", "/\\evil.test") would turn
 * the login form into an open redirect.
 */
export function safeNextPath(raw: string | null | undefined): string {
  if (!raw?.startsWith('/')) return DEFAULT_AFTER_LOGIN;
  let url: URL;
  try {
    url = new URL(raw, RELATIVE_PATH_BASE);
  } catch {
    return DEFAULT_AFTER_LOGIN;
  }
  // The parser strips tabs and newlines and resolves dot segments, so "/.//evil.test" is checked as browsers will read it.
  if (url.origin !== RELATIVE_PATH_BASE || url.pathname.startsWith('//') || url.pathname.startsWith('/\\')) return DEFAULT_AFTER_LOGIN;
  if (url.pathname === '/login' || url.pathname === '/logout') return DEFAULT_AFTER_LOGIN;
  return `${url.pathname}${url.search}${url.hash}`;
}
