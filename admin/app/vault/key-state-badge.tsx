import type { KeyState } from '../gateway/vault-types.ts';

const STATE_TITLES: Record<KeyState, string> = {
  PENDING: 'Published in the JWKS, not signing yet',
  ACTIVE: 'Signs every new token',
  RETIRING: 'No longer signs; still verifies tokens it signed until it retires',
  REVOKED: 'Verifies nothing: every token it signed is refused',
};

/** A signing key's state in its colour: blue pending, green active, amber retiring, red revoked. */
export function KeyStateBadge({ state }: { state: KeyState }) {
  return (
    <span className={`badge key-state key-state-${state.toLowerCase()}`} data-state={state} title={STATE_TITLES[state]}>
      {state}
    </span>
  );
}
