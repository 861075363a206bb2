import { formatCount } from '../format.ts';
import type { AuditVerification } from '../gateway/vault-types.ts';

/** Whether the audit log's hash chain still holds: green with the count, or red naming the first broken entry and why. */
export function AuditVerificationBanner({ verification }: { verification: AuditVerification }) {
  const { ok, checked, firstBrokenId, reason } = verification;
  return (
    <div className={ok ? 'banner banner-ok' : 'banner banner-broken'} role={ok ? 'status' : 'alert'} data-testid="audit-verification" data-ok={String(ok)}>
      {ok ? (
        <strong>
          Chain intact — {formatCount(checked)} {checked === 1 ? 'entry' : 'entries'} verified
        </strong>
      ) : (
        <>
          <strong>Chain broken{firstBrokenId ? ` at entry ${firstBrokenId}` : ''}</strong>
          <p>
            {reason ?? 'The vault gave no reason.'} ({formatCount(checked)} {checked === 1 ? 'entry' : 'entries'} checked.) Entries from there on may have been
            changed or removed outside the admin.
          </p>
        </>
      )}
    </div>
  );
}
