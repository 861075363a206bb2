import { EmpireError, ErrorCode } from '../errors.ts';

/** The roles of the platform, from most to least powerful. */
export const ROLES = ['admin', 'operator', 'viewer', 'neuron'] as const;
export type Role = (typeof ROLES)[number];

/** What each role may do. `*` grants every scope. */
export const ROLE_SCOPES: Record<Role, readonly string[]> = {
  admin: ['*'],
  operator: ['schema:read', 'schema:publish', 'schema:rollback', 'db:read', 'vault:read', 'audit:read'],
  viewer: ['schema:read', 'db:read'],
  neuron: ['schema:read', 'schema:publish'],
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Someone whose credentials were verified. */
export interface Principal {
  kind: 'user' | 'api_key' | 'service';
  id: string;
  /** Email, API key name or service name: what audit rows call the actor. */
  name: string;
  role: Role;
  scopes: readonly string[];
}

export function scopesOf(role: Role, extra: readonly string[] = []): string[] {
  return [...new Set([...ROLE_SCOPES[role], ...extra])];
}

export function hasScope(principal: Principal | null | undefined, scope: string): boolean {
  return !!principal && (principal.scopes.includes('*') || principal.scopes.includes(scope));
}

/** `@requiresScopes(scopes: [[a, b], [c]])`: every scope of at least one inner list. */
export function satisfiesScopes(principal: Principal | null | undefined, alternatives: readonly (readonly string[])[]): boolean {
  return alternatives.some((all) => all.every((scope) => hasScope(principal, scope)));
}

/** The caller, when it holds `scope`; otherwise UNAUTHENTICATED (no caller) or FORBIDDEN. */
export function requireScope(principal: Principal | null | undefined, scope: string): Principal {
  if (!principal) throw new EmpireError(ErrorCode.Unauthenticated, `Authentication required (${scope})`);
  if (!hasScope(principal, scope)) throw new EmpireError(ErrorCode.Forbidden, `Role ${principal.role} lacks the scope ${scope}`);
  return principal;
}
