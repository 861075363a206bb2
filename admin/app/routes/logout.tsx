import { type ActionFunctionArgs, redirect } from '@remix-run/node';
import { destroyAdminSession, getAdminSession, tokensOf } from '../session/session-storage.server.ts';
import { logOut } from '../session/vault-auth.server.ts';

/** Ends the refresh-token family at the vault (when the gateway answers) and drops the cookie either way. */
export async function action({ request, context }: ActionFunctionArgs) {
  const session = await getAdminSession(request, context);
  const tokens = tokensOf(session);
  if (tokens) {
    // A gateway that is down must not keep anyone signed in here; the refresh token then simply expires.
    await logOut(context.gatewayUrl, tokens, request.signal).catch(() => undefined);
  }
  return redirect('/login', { headers: { 'Set-Cookie': await destroyAdminSession(session, request, context) } });
}

/** Logging out is a POST (the nav's button); a GET here just goes to the sign-in page. */
export function loader() {
  return redirect('/login');
}
