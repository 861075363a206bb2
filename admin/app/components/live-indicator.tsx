import type { LiveConnection } from '../live/use-schema-published.ts';

const LABELS = { connecting: 'connecting', live: 'live', reconnecting: 'reconnecting', failed: 'live updates off' } as const;

/** A dot and a word telling whether this page receives new schema versions as they are published. */
export function LiveIndicator({ connection }: { connection: LiveConnection }) {
  const title =
    connection.state === 'failed'
      ? `Live updates stopped: ${connection.reason}. Reload the page to try again.`
      : 'Subscribed to schemaPublished on the gateway over graphql-ws';
  return (
    <span className={`live-indicator live-${connection.state}`} data-testid="live-indicator" data-state={connection.state} title={title}>
      <span className="live-dot" aria-hidden="true" />
      {LABELS[connection.state]}
    </span>
  );
}
