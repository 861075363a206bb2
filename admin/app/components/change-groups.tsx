import type { Criticality, SchemaChange } from '../gateway/gateway-types.ts';
import { RiskBadge } from './risk-badge.tsx';

const GROUPS: { criticality: Criticality; title: string }[] = [
  { criticality: 'BREAKING', title: 'Breaking' },
  { criticality: 'DANGEROUS', title: 'Dangerous' },
  { criticality: 'SAFE', title: 'Safe' },
];

/** A version's changes against its predecessor, breaking first, each group in its colour. */
export function ChangeGroups({ changes }: { changes: SchemaChange[] }) {
  if (changes.length === 0) return <p className="muted">No changes to the API schema against the previous version.</p>;
  return (
    <>
      {GROUPS.map(({ criticality, title }) => {
        const group = changes.filter((change) => change.criticality === criticality);
        if (group.length === 0) return null;
        return (
          <section
            key={criticality}
            className={`change-group change-group-${criticality.toLowerCase()}`}
            data-testid="change-group"
            data-criticality={criticality}
          >
            <h3>
              <RiskBadge level={criticality} /> {title} ({group.length})
            </h3>
            <ul className="change-list">
              {group.map((change) => (
                <li key={`${change.type}:${change.path ?? ''}:${change.message}`} data-testid="change" data-path={change.path ?? ''}>
                  <div className="change-head">
                    {change.path ? <code className="change-path">{change.path}</code> : null}
                    <span className="change-type">{change.type}</span>
                    {change.security ? (
                      <span className="badge security" title="This change affects security">
                        security
                      </span>
                    ) : null}
                  </div>
                  <p className="change-message">{change.message}</p>
                  {change.reason ? <p className="change-reason">{change.reason}</p> : null}
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </>
  );
}
