import type { RiskLevel } from '../gateway/gateway-types.ts';

const RISK_LABELS: Record<RiskLevel, string> = {
  NONE: 'no change',
  SAFE: 'safe',
  DANGEROUS: 'dangerous',
  BREAKING: 'breaking',
};

/** A version's or change's risk as a colour-coded badge (green, amber, red; grey for none). */
export function RiskBadge({ level }: { level: RiskLevel }) {
  return (
    <span className={`badge risk-${level.toLowerCase()}`} data-risk={level}>
      {RISK_LABELS[level]}
    </span>
  );
}
