import { extractPolicies, type FieldPolicy, type PolicyMap, SECURITY_DIRECTIVES } from '@empire/platform';
import { type DirectiveNode, type DocumentNode, Kind, parse, print, visit } from 'graphql';
import type { SchemaChangeRecord } from './types.ts';

const SECURITY_NAMES = new Set<string>(SECURITY_DIRECTIVES);
const SECURITY_SCALARS = new Set(['requiresScopes__Scope', 'policy__Policy']);

function isSecurityLink(directive: DirectiveNode): boolean {
  if (directive.name.value !== 'link') return false;
  const forArg = directive.arguments?.find((a) => a.name.value === 'for');
  return forArg?.value.kind === Kind.ENUM && forArg.value.value === 'SECURITY';
}

export interface GatewaySupergraph {
  /** The supergraph without SECURITY features, which @apollo/gateway refuses to load. */
  sdl: string;
  /** What those features said, for the gateway to enforce itself. */
  policies: PolicyMap;
}

/**
 * Derives the gateway's copy of a supergraph through the GraphQL AST: the `@link`s marked
 * `for: SECURITY`, their directive and scalar definitions and every usage are removed, and the
 * access rules they carried become a policy map.
 */
export function gatewaySupergraph(supergraphSdl: string): GatewaySupergraph {
  const document = parse(supergraphSdl);
  const policies = extractPolicies(document);
  const stripped: DocumentNode = visit(document, {
    Directive: (node) => (SECURITY_NAMES.has(node.name.value) || isSecurityLink(node) ? null : undefined),
    DirectiveDefinition: (node) => (SECURITY_NAMES.has(node.name.value) ? null : undefined),
    ScalarTypeDefinition: (node) => (SECURITY_SCALARS.has(node.name.value) ? null : undefined),
  });
  return { sdl: print(stripped), policies };
}

function describe(policy: FieldPolicy | undefined): string {
  if (!policy) return 'no access rule';
  const parts = [policy.authenticated ? '@authenticated' : '', ...policy.scopes.map((s) => `@requiresScopes(${JSON.stringify(s)})`)].filter(Boolean);
  return parts.join(' ') || 'no access rule';
}

/** True when `after` lets in someone `before` kept out. */
function loosened(before: FieldPolicy, after: FieldPolicy | undefined): boolean {
  if (!after) return true;
  if (before.authenticated && !after.authenticated && after.scopes.length === 0) return true;
  const key = (alternatives: string[][]) => JSON.stringify(alternatives.map((a) => [...a].sort()).sort());
  const kept = new Set(after.scopes.map(key));
  return before.scopes.some((requirement) => !kept.has(key(requirement)));
}

/**
 * Access-rule changes the API-schema diff cannot see (it never contains these directives): a
 * removed or loosened rule is a DANGEROUS security change, a new or tightened one is SAFE.
 */
export function securityChanges(before: PolicyMap, after: PolicyMap, existingFields: ReadonlySet<string>): SchemaChangeRecord[] {
  const changes: SchemaChangeRecord[] = [];
  for (const [coordinate, policy] of Object.entries(before)) {
    if (!existingFields.has(coordinate)) continue;
    if (loosened(policy, after[coordinate])) {
      changes.push({
        type: 'ACCESS_RULE_LOOSENED',
        criticality: 'DANGEROUS',
        path: coordinate,
        message: `Access rule on '${coordinate}' was loosened: ${describe(policy)} → ${describe(after[coordinate])}`,
        reason: 'Callers that were refused before may now read or call this field.',
        security: true,
      });
    }
  }
  for (const [coordinate, policy] of Object.entries(after)) {
    if (!existingFields.has(coordinate) || !before[coordinate] || describe(before[coordinate]) === describe(policy) || loosened(before[coordinate], policy))
      continue;
    changes.push({
      type: 'ACCESS_RULE_TIGHTENED',
      criticality: 'SAFE',
      path: coordinate,
      message: `Access rule on '${coordinate}' changed: ${describe(before[coordinate])} → ${describe(policy)}`,
      reason: null,
      security: true,
    });
  }
  for (const [coordinate, policy] of Object.entries(after)) {
    if (existingFields.has(coordinate) && !before[coordinate]) {
      changes.push({
        type: 'ACCESS_RULE_ADDED',
        criticality: 'DANGEROUS',
        path: coordinate,
        message: `Access rule added on '${coordinate}': ${describe(policy)}`,
        reason: 'Callers without it are refused from now on.',
        security: true,
      });
    }
  }
  return changes;
}
