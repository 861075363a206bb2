import {
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  visit,
} from 'graphql';
import { type Principal, satisfiesScopes } from './roles.ts';

/** What a field needs: authentication, and every listed `@requiresScopes` requirement. */
export interface FieldPolicy {
  authenticated: boolean;
  /** Each entry is one `@requiresScopes(scopes:)` value: alternatives, each a set of scopes that must all be held. */
  scopes: string[][][];
}

/** Field coordinate ("Type.field") → policy. */
export type PolicyMap = Record<string, FieldPolicy>;

export const SECURITY_DIRECTIVES = ['authenticated', 'requiresScopes', 'policy'] as const;

function scopesArgument(directive: DirectiveNode): string[][] {
  const value = directive.arguments?.find((a) => a.name.value === 'scopes')?.value;
  if (value?.kind !== Kind.LIST) return [];
  return value.values.map((inner) => (inner.kind === Kind.LIST ? inner.values.flatMap((s) => (s.kind === Kind.STRING ? [s.value] : [])) : []));
}

function policyOf(directives: readonly DirectiveNode[] | undefined): FieldPolicy | null {
  const policy: FieldPolicy = { authenticated: false, scopes: [] };
  for (const directive of directives ?? []) {
    if (directive.name.value === 'authenticated') policy.authenticated = true;
    if (directive.name.value === 'requiresScopes') policy.scopes.push(scopesArgument(directive));
  }
  return policy.authenticated || policy.scopes.length ? policy : null;
}

function merge(a: FieldPolicy | null, b: FieldPolicy | null): FieldPolicy | null {
  if (!a) return b;
  if (!b) return a;
  return { authenticated: a.authenticated || b.authenticated, scopes: [...a.scopes, ...b.scopes] };
}

/**
 * Reads `@authenticated` and `@requiresScopes` from an SDL (a subgraph's or a supergraph's):
 * on a type they apply to every field of it, on a field to that field.
 */
export function extractPolicies(document: DocumentNode): PolicyMap {
  const policies: PolicyMap = {};
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    ) {
      continue;
    }
    const typePolicy = policyOf(definition.directives);
    for (const field of definition.fields ?? []) {
      const coordinate = `${definition.name.value}.${field.name.value}`;
      const policy = merge(merge(policies[coordinate] ?? null, typePolicy), policyOf(field.directives));
      if (policy) policies[coordinate] = policy;
    }
  }
  return policies;
}

export type Denial = 'UNAUTHENTICATED' | 'FORBIDDEN';

export function checkPolicy(policy: FieldPolicy, principal: Principal | null): Denial | null {
  if ((policy.authenticated || policy.scopes.length) && !principal) return 'UNAUTHENTICATED';
  return policy.scopes.every((alternatives) => satisfiesScopes(principal, alternatives)) ? null : 'FORBIDDEN';
}

export interface UnauthorizedField {
  node: FieldNode;
  /** Response keys from the root, list indices left out. */
  path: string[];
  coordinate: string;
  code: Denial;
}

/** Every field of the operation that `principal` may not see, with why. */
export function findUnauthorizedFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  policies: PolicyMap,
  principal: Principal | null,
): UnauthorizedField[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const found: UnauthorizedField[] = [];
  const root =
    operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, path: string[], seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const fields = 'getFields' in parent ? parent.getFields() : {};
        const definition = fields[selection.name.value];
        if (!definition) continue;
        const key = selection.alias?.value ?? selection.name.value;
        const coordinate = `${parent.name}.${selection.name.value}`;
        const policy = policies[coordinate];
        const code = policy ? checkPolicy(policy, principal) : null;
        if (code) {
          found.push({ node: selection, path: [...path, key], coordinate, code });
          continue;
        }
        const type = getNamedType(definition.type);
        if (selection.selectionSet && isCompositeType(type)) walk(selection.selectionSet, type, [...path, key], seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) walk(selection.selectionSet, type, path, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        const type = schema.getType(fragment.typeCondition.name.value);
        if (type && isCompositeType(type)) walk(fragment.selectionSet, type, path, new Set([...seen, fragment.name.value]));
      }
    }
  };
  if (root) walk(operation.selectionSet, root, [], new Set());
  return found;
}

/**
 * The document without the given field nodes. A field left with an empty selection set goes
 * too; returns null when nothing of the operation is left.
 */
export function withoutFields(document: DocumentNode, remove: ReadonlySet<FieldNode>): DocumentNode | null {
  let emptied = false;
  const pruned = visit(document, {
    Field: {
      enter: (node) => (remove.has(node) ? null : undefined),
      leave: (node) => (node.selectionSet && node.selectionSet.selections.length === 0 ? null : undefined),
    },
    InlineFragment: { leave: (node) => (node.selectionSet.selections.length === 0 ? null : undefined) },
    OperationDefinition: {
      leave: (node) => {
        if (node.selectionSet.selections.length === 0) emptied = true;
        return undefined;
      },
    },
  });
  return emptied ? null : pruned;
}

/** Sets `path` to null in `data`, through every element of lists on the way. */
export function nullAt(data: unknown, path: readonly string[]): void {
  if (data === null || typeof data !== 'object' || path.length === 0) return;
  if (Array.isArray(data)) {
    for (const item of data) nullAt(item, path);
    return;
  }
  const record = data as Record<string, unknown>;
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) record[head] = null;
  else nullAt(record[head], rest);
}
