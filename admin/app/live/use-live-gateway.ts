import { useRouteLoaderData } from '@remix-run/react';
import type { loader as rootLoader } from '../root.tsx';

/** Where and as whom the browser subscribes: the gateway's graphql-ws address and the signed-in user's access token. */
export interface LiveGateway {
  wsUrl: string;
  accessToken: string | null;
}

/** The root loader's LiveGateway; it re-runs on every navigation, so the token is the session's current one. */
export function useLiveGateway(): LiveGateway {
  const root = useRouteLoaderData<typeof rootLoader>('root');
  // The root loader does not fail (a gateway it cannot reach only leaves the token as it was), so a page that renders has its data.
  if (!root) throw new Error('Root loader data is missing, so the gateway WebSocket address is unknown');
  return { wsUrl: root.gatewayWsUrl, accessToken: root.accessToken };
}
