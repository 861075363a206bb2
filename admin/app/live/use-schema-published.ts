import { createClient } from 'graphql-ws';
import { useEffect, useRef, useState } from 'react';
import type { LiveGateway } from './use-live-gateway.ts';

/** State of the live connection to the gateway, as the connection indicator shows it. */
export type LiveConnection = { state: 'connecting' } | { state: 'live' } | { state: 'reconnecting' } | { state: 'failed'; reason: string };

const SCHEMA_PUBLISHED = 'subscription AdminSchemaPublished { schemaPublished { version } }';

/** Longest pause between reconnect attempts, so the page comes back soon after the gateway does. */
const MAX_RETRY_WAIT_MS = 5_000;

/** graphql-ws close codes for a connection the server refused to authorise: retrying with the same token is pointless. */
const REFUSED_CLOSE_CODES = new Set([4401, 4403]);

/**
 * Subscribes to `schemaPublished` over graphql-ws at `gateway.wsUrl`, presenting the access
 * token as `connectionParams.authorization`, and calls `onChange` for every published version,
 * and again after a reconnect because versions published while the connection was down
 * produced no event here. Runs in the browser only (inside an effect).
 */
export function useSchemaPublished(gateway: LiveGateway, onChange: () => void): LiveConnection {
  const [connection, setConnection] = useState<LiveConnection>({ state: 'connecting' });
  const onChangeRef = useRef(onChange);
  // A reconnect presents the newest token: the root loader refreshes it on every navigation and revalidation.
  const accessTokenRef = useRef(gateway.accessToken);
  useEffect(() => {
    onChangeRef.current = onChange;
    accessTokenRef.current = gateway.accessToken;
  });
  const { wsUrl } = gateway;

  useEffect(() => {
    const client = createClient({
      url: wsUrl,
      connectionParams: () => (accessTokenRef.current ? { authorization: `Bearer ${accessTokenRef.current}` } : {}),
      keepAlive: 10_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: (errorOrClose) => !(isCloseEvent(errorOrClose) && REFUSED_CLOSE_CODES.has(errorOrClose.code)),
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, MAX_RETRY_WAIT_MS))),
      on: {
        connected: (_socket, _payload, wasRetry) => {
          setConnection({ state: 'live' });
          if (wasRetry) onChangeRef.current();
        },
        closed: () => setConnection({ state: 'reconnecting' }),
      },
    });
    const unsubscribe = client.subscribe(
      { query: SCHEMA_PUBLISHED },
      {
        next: () => onChangeRef.current(),
        error: (error) => setConnection({ state: 'failed', reason: describeSubscriptionError(error) }),
        complete: () => setConnection({ state: 'failed', reason: 'the gateway ended the subscription' }),
      },
    );
    return () => {
      unsubscribe();
      void client.dispose();
    };
  }, [wsUrl]);

  return connection;
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'number' && 'reason' in value;
}

function describeSubscriptionError(error: unknown): string {
  if (isCloseEvent(error)) return `the gateway closed the connection (${error.code}${error.reason ? `: ${error.reason}` : ''})`;
  if (Array.isArray(error)) return error.map((item: unknown) => (item instanceof Error || isMessage(item) ? item.message : String(item))).join('; ');
  if (error instanceof Error || isMessage(error)) return error.message;
  return String(error);
}

function isMessage(value: unknown): value is { message: string } {
  return typeof value === 'object' && value !== null && 'message' in value && typeof value.message === 'string';
}
