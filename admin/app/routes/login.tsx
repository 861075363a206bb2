import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { RouteErrorBoundary } from '../components/route-error-boundary.tsx';
import { formText } from '../forms/form-text.ts';
import { failureMessage, GatewayError, statusForFailure } from '../gateway/gateway-client.server.ts';
import { safeNextPath } from '../session/login-path.ts';
import { commitAdminSession, getAdminSession, storeTokens, tokensOf } from '../session/session-storage.server.ts';
import { expiresSoon, logIn } from '../session/vault-auth.server.ts';

/** Why signing in failed, and the email to put back into the form. */
interface LoginFailure {
  message: string;
  email: string;
}

export const meta: MetaFunction = () => [{ title: 'Sign in · Empire Graph' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const next = safeNextPath(new URL(request.url).searchParams.get('next'));
  // Only a session that needs no refresh skips the form; anything else is checked by the page it leads to.
  const tokens = tokensOf(await getAdminSession(request, context));
  if (tokens && !expiresSoon(tokens.expiresAt)) throw redirect(next);
  return { next };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const email = formText(form, 'email');
  const password = formText(form, 'password', { trim: false });
  const next = safeNextPath(formText(form, 'next'));
  if (!email || !password) return data<LoginFailure>({ message: 'Enter your email and your password.', email }, { status: 400 });
  try {
    const tokens = await logIn(context.gatewayUrl, { email, password }, request.signal);
    const session = await getAdminSession(request, context);
    storeTokens(session, tokens);
    return redirect(next, { headers: { 'Set-Cookie': await commitAdminSession(session, request, context) } });
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    // FORBIDDEN from login means too many attempts; the vault's message says how long to wait.
    const status = error.hasCode('FORBIDDEN') ? 429 : statusForFailure(error);
    return data<LoginFailure>({ message: failureMessage(error), email }, { status });
  }
}

export default function LoginPage() {
  const { next } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const navigation = useNavigation();
  const submitting = navigation.state !== 'idle' && navigation.formMethod === 'POST';
  return (
    <section className="card login-card">
      <h1>Sign in</h1>
      <p className="muted">With your Empire Graph account; every page of the admin acts as you.</p>
      {failure ? (
        <div className="error-box" role="alert" data-testid="login-error">
          <strong>Could not sign in</strong>
          <p>{failure.message}</p>
        </div>
      ) : null}
      <Form method="post" className="stacked-form">
        <input type="hidden" name="next" value={next} />
        <label>
          Email
          <input type="email" name="email" autoComplete="username" required defaultValue={failure?.email ?? ''} />
        </label>
        <label>
          Password
          <input type="password" name="password" autoComplete="current-password" required />
        </label>
        <button type="submit" className="button primary" disabled={submitting}>
          {submitting ? 'Signing in…' : 'Sign in'}
        </button>
      </Form>
    </section>
  );
}

export { RouteErrorBoundary as ErrorBoundary };
