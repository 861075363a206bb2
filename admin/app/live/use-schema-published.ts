import { createClient } from 'graphql-ws';
import { useEffect, useRef, useState } from 'react';

/** State of the live connection to the gateway, as the connection indicator shows it. */
export type LiveConnection = { state: 'connecting' } | { state: 'live' } | { state: 'reconnecting' } | { state: 'failed'; reason: string };

const SCHEMA_PUBLISHED = 'subscription AdminSchemaPublished { schemaPublished { version } }';

/** Longest pause between reconnect attempts, so the page comes back soon after the gateway does. */
const MAX_RETRY_WAIT_MS = 5_000;

/**
 * Subscribes to `schemaPublished` over graphql-ws at `wsUrl` and calls `onChange` for every
 * published version, and again after a reconnect because versions published while the
 * connection was down produced no event here. Runs in the browser only (inside an effect).
 */
export function useSchemaPublished(wsUrl: string, onChange: () => void): LiveConnection {
  const [connection, setConnection] = useState<LiveConnection>({ state: 'connecting' });
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  });

  useEffect(() => {
    const client = createClient({
      url: wsUrl,
      keepAlive: 10_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
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

function describeSubscriptionError(error: unknown): string {
  if (Array.isArray(error)) return error.map((item: unknown) => (item instanceof Error || isMessage(item) ? item.message : String(item))).join('; ');
  if (error instanceof Error || isMessage(error)) return error.message;
  return String(error);
}

function isMessage(value: unknown): value is { message: string } {
  return typeof value === 'object' && value !== null && 'message' in value && typeof value.message === 'string';
}
