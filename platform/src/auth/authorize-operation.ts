import { type DocumentNode, GraphQLError, type GraphQLSchema, getOperationAST, Kind } from 'graphql';
import { EmpireError, ErrorCode } from '../errors.ts';
import { findUnauthorizedFields, type PolicyMap } from './field-policies.ts';
import type { Principal } from './roles.ts';

/** What every subgraph's resolvers see. */
export interface RequestAuth {
  principal: Principal | null;
  ip: string | null;
  /** The credential as received, for passing on (gateway → subgraphs). */
  authorization: string | null;
}

export interface CredentialSource {
  verify(headers: { authorization?: string | null; apiKey?: string | null }): Promise<Principal | null>;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** Verifies the credentials of an HTTP request or a graphql-ws connection. Invalid ones throw UNAUTHENTICATED. */
export async function authenticateRequest(
  verifier: CredentialSource,
  headers: Record<string, string | string[] | undefined>,
  remoteAddress: string | null,
): Promise<RequestAuth> {
  const apiKey = header(headers, 'x-api-key');
  const authorization = header(headers, 'authorization');
  const forwarded = header(headers, 'x-forwarded-for')?.split(',')[0]?.trim();
  const principal = await verifier.verify({ authorization, apiKey });
  return { principal, ip: forwarded || remoteAddress, authorization: apiKey ? `Bearer ${apiKey}` : authorization };
}

export function authError(error: EmpireError): GraphQLError {
  const status = error.code === ErrorCode.Unauthenticated ? 401 : error.code === ErrorCode.Forbidden ? 403 : 500;
  return new GraphQLError(error.message, { extensions: { code: error.code, http: { status } } });
}

/**
 * A subgraph's own check, for calls that bypass the gateway: without credentials only public
 * root fields (and `__typename`) may be asked for, and no field whose policy the caller does
 * not meet. Returns the error refusing the whole operation, or null.
 */
export function authorizeOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  auth: RequestAuth,
  policies: PolicyMap,
  publicFields: ReadonlySet<string>,
): GraphQLError | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  if (!auth.principal) {
    const root = operation.operation === 'query' ? 'Query' : operation.operation === 'mutation' ? 'Mutation' : 'Subscription';
    const fields = operation.selectionSet.selections.map((s) => (s.kind === Kind.FIELD ? s.name.value : '(fragment)'));
    const closed = fields.filter((f) => f !== '__typename' && !publicFields.has(`${root}.${f}`));
    if (closed.length)
      return authError(
        new EmpireError(
          ErrorCode.Unauthenticated,
          `Authentication required for ${closed.map((f) => `${root}.${f}`).join(', ')}: send Authorization: Bearer <token or API key>`,
        ),
      );
    return null;
  }
  const denied = findUnauthorizedFields(schema, document, operation, policies, auth.principal);
  if (!denied.length) return null;
  return authError(
    new EmpireError(ErrorCode.Forbidden, `Role ${auth.principal.role} may not access ${[...new Set(denied.map((d) => d.coordinate))].join(', ')}`),
  );
}
