import { type Config, EmpireError, ErrorCode, errorMessage } from '@empire/platform';

/** The Authorization header CLI commands send to servers: EMPIRE_API_KEY. */
export function cliAuthorization(config: Config): Record<string, string> {
  return config.EMPIRE_API_KEY ? { authorization: `Bearer ${config.EMPIRE_API_KEY}` } : {};
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Runs one operation through the gateway with EMPIRE_API_KEY; GraphQL errors become typed errors. */
export async function gatewayRequest<T>(config: Config, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  if (!config.EMPIRE_API_KEY)
    throw new EmpireError(
      ErrorCode.Unauthenticated,
      'Set EMPIRE_API_KEY to an API key (empire keys create-api-key, or the admin Vault page) to call the server',
    );
  let response: Response;
  try {
    response = await fetch(`${config.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...cliAuthorization(config) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new EmpireError(
      ErrorCode.UpstreamFailed,
      `Gateway at ${config.gatewayUrl} unreachable: ${errorMessage((error as { cause?: unknown }).cause ?? error)}`,
    );
  }
  const body = (await response.json().catch(() => ({}))) as GraphQLAnswer<T>;
  const error = body.errors?.[0];
  if (error) {
    const code = (error.extensions?.code ?? ErrorCode.UpstreamFailed) as ErrorCode;
    throw new EmpireError(Object.values(ErrorCode).includes(code) ? code : ErrorCode.UpstreamFailed, error.message);
  }
  if (!body.data) throw new EmpireError(ErrorCode.UpstreamFailed, `Gateway answered ${response.status} without data`);
  return body.data;
}
