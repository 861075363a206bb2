import { useRouteLoaderData } from '@remix-run/react';
import type { loader as rootLoader } from '../root.tsx';

/** The gateway's graphql-ws address, which the root loader derives from the gateway URL the server was started with. */
export function useGatewayWsUrl(): string {
  const root = useRouteLoaderData<typeof rootLoader>('root');
  // The root loader cannot fail, so a page that renders always has its data.
  if (!root) throw new Error('Root loader data is missing, so the gateway WebSocket address is unknown');
  return root.gatewayWsUrl;
}
