import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, Links, Meta, NavLink, Outlet, Scripts, ScrollRestoration, useNavigation, useRouteLoaderData } from '@remix-run/react';
import type { ReactNode } from 'react';
import { RouteErrorBoundary } from './components/route-error-boundary.tsx';
import stylesheetUrl from './styles.css?url';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheetUrl },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

export const meta: MetaFunction = () => [{ title: 'Empire Graph' }];

/** The gateway's HTTP and WebSocket addresses: loaders use the first, the browser subscribes on the second. */
export function loader({ context }: LoaderFunctionArgs) {
  const wsUrl = new URL(context.gatewayUrl);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  return { gatewayUrl: context.gatewayUrl, gatewayWsUrl: wsUrl.href };
}

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
        <header className="top-bar">
          <Link to="/schema" className="brand">
            Empire Graph
          </Link>
          <nav aria-label="Main">
            <NavLink to="/schema">Schema</NavLink>
            <NavLink to="/admin/db-health">DB health</NavLink>
          </nav>
          {root ? (
            <span className="gateway-address" title="Gateway this admin reads from">
              {root.gatewayUrl}
            </span>
          ) : null}
        </header>
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
