import { Form, Link, useNavigation } from '@remix-run/react';
import { useEffect, useState } from 'react';
import type { PublishResult } from '../gateway/gateway-types.ts';

/** What the rollback action answers: the registry's result, or why the gateway could not be asked. */
export type RollbackOutcome = { kind: 'result'; result: PublishResult } | { kind: 'failure'; detail: string };

/**
 * "Roll back to this version" in two steps: the first button only asks for confirmation, the
 * second posts the form, so one stray click cannot switch the live supergraph.
 */
export function RollbackForm({ version, outcome }: { version: number; outcome: RollbackOutcome | undefined }) {
  const [confirming, setConfirming] = useState(false);
  const navigation = useNavigation();
  const submitting = navigation.state === 'submitting' && navigation.formMethod === 'POST';

  useEffect(() => {
    if (outcome) setConfirming(false);
  }, [outcome]);

  return (
    <div className="rollback">
      {confirming ? (
        <Form method="post" className="rollback-confirm">
          <p>
            Make the subgraph set of <strong>v{version}</strong> the active supergraph again? Every gateway switches to it and a new version is recorded.
          </p>
          <button type="submit" className="button danger" name="intent" value="rollback" disabled={submitting}>
            {submitting ? 'Rolling back…' : `Yes, roll back to v${version}`}
          </button>
          <button type="button" className="button" onClick={() => setConfirming(false)} disabled={submitting}>
            Cancel
          </button>
        </Form>
      ) : (
        <button type="button" className="button" onClick={() => setConfirming(true)}>
          Roll back to this version
        </button>
      )}
      {outcome ? <RollbackOutcomeBox outcome={outcome} /> : null}
    </div>
  );
}

function RollbackOutcomeBox({ outcome }: { outcome: RollbackOutcome }) {
  if (outcome.kind === 'failure') {
    return (
      <div className="error-box" role="alert" data-testid="rollback-result" data-status="FAILED">
        <strong>Rollback failed</strong>
        <p>{outcome.detail}</p>
      </div>
    );
  }
  const { result } = outcome;
  const failed = result.errors.length > 0;
  return (
    <div className={failed ? 'error-box' : 'result-box'} role="status" data-testid="rollback-result" data-status={result.status}>
      <strong>Rollback: {result.status}</strong>
      {result.version ? (
        <p>
          New version: <Link to={`/schema/${result.version.version}`}>v{result.version.version}</Link> with {result.changes.length} change
          {result.changes.length === 1 ? '' : 's'}.
        </p>
      ) : null}
      {failed ? (
        <ul>
          {result.errors.map((error) => (
            <li key={error}>{error}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
