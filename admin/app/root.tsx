import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Links, Meta, Outlet, Scripts, ScrollRestoration, type ShouldRevalidateFunction, useNavigation, useRouteLoaderData } from '@remix-run/react';
import type { ReactNode } from 'react';
import { RouteErrorBoundary } from './components/route-error-boundary.tsx';
import { TopBar } from './components/top-bar.tsx';
import { readSignIn } from './session/signed-in-gateway.server.ts';
import baseStylesUrl from './styles/base.css?url';
import controlStylesUrl from './styles/controls.css?url';
import schemaStylesUrl from './styles/schema.css?url';
import vaultAuditStylesUrl from './styles/vault-audit.css?url';

// In cascade order: later sheets build on the earlier ones.
export const links: LinksFunction = () => [
  ...[baseStylesUrl, schemaStylesUrl, controlStylesUrl, vaultAuditStylesUrl].map((href) => ({ rel: 'stylesheet', href })),
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

export const meta: MetaFunction = () => [{ title: 'Empire Graph' }];

/**
 * The gateway's HTTP and WebSocket addresses (loaders use the first, the browser subscribes on
 * the second), who is signed in, and their access token, which the browser's graphql-ws
 * connection presents (it is short-lived; the cookie holding the refresh token stays httpOnly).
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const wsUrl = new URL(context.gatewayUrl);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  const { tokens, headers } = await readSignIn({ request, context });
  return data(
    {
      gatewayUrl: context.gatewayUrl,
      gatewayWsUrl: wsUrl.href,
      user: tokens?.user ?? null,
      accessToken: tokens?.accessToken ?? null,
    },
    { headers },
  );
}

/** Every navigation re-reads the session, so the nav and the live connection's token stay current. */
export const shouldRevalidate: ShouldRevalidateFunction = () => true;

export function Layout({ children }: { children: ReactNode }) {
  const root = useRouteLoaderData<typeof loader>('root');
  const navigation = useNavigation();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <TopBar gatewayUrl={root?.gatewayUrl ?? null} user={root?.user ?? null} />
        <div className={navigation.state === 'idle' ? 'progress' : 'progress progress-active'} aria-hidden="true" />
        <main>{children}</main>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export { RouteErrorBoundary as ErrorBoundary };
