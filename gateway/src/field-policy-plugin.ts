import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { findUnauthorizedFields, nullAt, type RequestAuth, type UnauthorizedField, withoutFields } from '@empire/platform';
import { GraphQLError, getOperationAST, print } from 'graphql';
import type { EmpireSupergraphManager } from './supergraph-manager.ts';

export interface GatewayContext extends RequestAuth {
  /** Fields this request may not see: removed before planning, answered null with an error. */
  denied?: UnauthorizedField[];
}

function denialMessage(field: UnauthorizedField): string {
  return field.code === 'UNAUTHENTICATED' ? `Authentication required for ${field.coordinate}` : `Not allowed to access ${field.coordinate}`;
}

/**
 * Enforces `@authenticated` and `@requiresScopes`, which @apollo/gateway does not: fields the
 * caller may not see are removed from the operation before it is planned (so no subgraph is
 * asked for them), then answered null with an UNAUTHENTICATED or FORBIDDEN error while the rest
 * of the response is served.
 */
export function fieldPolicyPlugin(manager: EmpireSupergraphManager): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(requestContext) {
          const policies = manager.current?.policies;
          const operation = requestContext.operation;
          if (!policies || !operation || Object.keys(policies).length === 0) return;
          const denied = findUnauthorizedFields(requestContext.schema, requestContext.document, operation, policies, requestContext.contextValue.principal);
          if (!denied.length) return;
          const pruned = withoutFields(requestContext.document, new Set(denied.map((d) => d.node)));
          if (!pruned) {
            // nothing of the operation is left to run: one error naming every field refused
            const code = denied.some((d) => d.code === 'UNAUTHENTICATED') ? 'UNAUTHENTICATED' : 'FORBIDDEN';
            const fields = [...new Set(denied.map((d) => d.coordinate))].join(', ');
            const message = code === 'UNAUTHENTICATED' ? `Authentication required for ${fields}` : `Not allowed to access ${fields}`;
            throw new GraphQLError(message, { extensions: { code, http: { status: code === 'UNAUTHENTICATED' ? 401 : 403 } } });
          }
          requestContext.contextValue.denied = denied;
          // the query plan cache is keyed by this hash: a pruned operation must not share a plan with the full one
          const queryHash = createHash('sha256').update(print(pruned)).digest('hex');
          Object.assign(requestContext, { document: pruned, operation: getOperationAST(pruned, requestContext.request.operationName), queryHash });
        },
        async willSendResponse({ response, contextValue }) {
          const denied = contextValue.denied;
          if (!denied?.length || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.data) for (const field of denied) nullAt(result.data, field.path);
          const errors = denied.map((field) => new GraphQLError(denialMessage(field), { path: field.path, extensions: { code: field.code } }).toJSON());
          result.errors = [...(result.errors ?? []), ...errors];
        },
      };
    },
  };
}
