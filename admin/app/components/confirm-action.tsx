import { useFetcher } from '@remix-run/react';
import { type ReactNode, useEffect, useState } from 'react';

/** What the action answers, in the shape this control understands (the action may answer more). */
export type FormOutcome = { ok: true } | { ok: false; message: string };

interface ConfirmActionProps {
  /** Hidden fields the form posts (`intent` and what it needs). */
  fields: Record<string, string>;
  /** The first button; it only asks for confirmation. */
  label: string;
  /** What confirming will do, shown next to the confirm button. */
  prompt: ReactNode;
  /** The button that posts. */
  confirmLabel: string;
  pendingLabel: string;
  compact?: boolean;
}

/**
 * A destructive action in two steps, posted to the current route with a fetcher so several of
 * them on one page (a revoke button per row) keep their own state; a failure is shown where it
 * was asked for.
 */
export function ConfirmAction({ fields, label, prompt, confirmLabel, pendingLabel, compact }: ConfirmActionProps) {
  const fetcher = useFetcher<FormOutcome>();
  const [confirming, setConfirming] = useState(false);
  const busy = fetcher.state !== 'idle';
  const outcome = fetcher.state === 'idle' ? fetcher.data : undefined;

  useEffect(() => {
    if (outcome) setConfirming(false);
  }, [outcome]);

  return (
    <div className={compact ? 'confirm-action compact' : 'confirm-action'}>
      {confirming || busy ? (
        <fetcher.Form method="post" className="confirm-box">
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <p>{prompt}</p>
          <button type="submit" className="button danger" disabled={busy}>
            {busy ? pendingLabel : confirmLabel}
          </button>
          <button type="button" className="button" onClick={() => setConfirming(false)} disabled={busy}>
            Cancel
          </button>
        </fetcher.Form>
      ) : (
        <button type="button" className="button" onClick={() => setConfirming(true)}>
          {label}
        </button>
      )}
      {outcome && !outcome.ok ? (
        <div className="error-box" role="alert" data-testid="action-error">
          <strong>{label} failed</strong>
          <p>{outcome.message}</p>
        </div>
      ) : null}
    </div>
  );
}
