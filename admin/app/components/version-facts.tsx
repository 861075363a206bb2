import type { ReactNode } from 'react';
import { describeTrigger, formatTimestamp } from '../format.ts';
import type { SchemaVersionSummary } from '../gateway/gateway-types.ts';

/** When, by whom, how and why a schema version was made; `children` adds rows of the page's own. */
export function VersionFacts({ version, children }: { version: SchemaVersionSummary; children?: ReactNode }) {
  return (
    <dl className="facts">
      <dt>Published</dt>
      <dd>{formatTimestamp(version.createdAt)}</dd>
      <dt>By</dt>
      <dd>{version.author ?? 'unknown'}</dd>
      <dt>Trigger</dt>
      <dd>{describeTrigger(version)}</dd>
      <dt>Subgraph</dt>
      <dd>{version.subgraphName ?? '—'}</dd>
      {version.commit ? (
        <>
          <dt>Commit</dt>
          <dd>
            <code>{version.commit}</code>
          </dd>
        </>
      ) : null}
      {version.message ? (
        <>
          <dt>Message</dt>
          <dd>{version.message}</dd>
        </>
      ) : null}
      {children}
    </dl>
  );
}
