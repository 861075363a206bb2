import { type Database, EmpireError, ErrorCode, type RequestAuth, recentAudit, requireScope, verifyAuditChain } from '@empire/platform';
import type { SubgraphResolvers } from '@empire/platform/graphql';
import { type ApiKeyService, type ApiKeyView, parseExpiry } from './api-keys.ts';
import type { AuthPayload, AuthService, UserView } from './auth-service.ts';
import type { SecretsService } from './secrets-service.ts';
import type { SigningKeyService, SigningKeyView } from './signing-keys.ts';

export interface VaultServices {
  db: Database;
  auth: AuthService;
  signingKeys: SigningKeyService;
  apiKeys: ApiKeyService;
  secrets: SecretsService;
}

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;
const userJson = (u: UserView) => ({ ...u, id: String(u.id), createdAt: iso(u.createdAt), lastLoginAt: iso(u.lastLoginAt) });
const authJson = (p: AuthPayload) => ({ ...p, expiresAt: iso(p.expiresAt), user: userJson(p.user) });
const keyJson = (k: SigningKeyView) => ({ ...k, createdAt: iso(k.createdAt), retiresAt: iso(k.retiresAt) });
const apiKeyJson = (k: ApiKeyView) => ({
  ...k,
  id: String(k.id),
  createdAt: iso(k.createdAt),
  expiresAt: iso(k.expiresAt),
  lastUsedAt: iso(k.lastUsedAt),
  revokedAt: iso(k.revokedAt),
});

/** Thin: check the caller's scope, call the service, shape the result. */
export function vaultResolvers(s: VaultServices): SubgraphResolvers<RequestAuth> {
  return {
    Query: {
      me: async (_: unknown, __: unknown, auth: RequestAuth) => {
        const user = await s.auth.me(auth.principal);
        return user ? userJson(user) : null;
      },
      signingKeys: async (_: unknown, __: unknown, auth: RequestAuth) => {
        requireScope(auth.principal, 'vault:read');
        return (await s.signingKeys.list()).map(keyJson);
      },
      apiKeys: async (_: unknown, __: unknown, auth: RequestAuth) => {
        requireScope(auth.principal, 'vault:read');
        return (await s.apiKeys.list()).map(apiKeyJson);
      },
      secrets: async (_: unknown, __: unknown, auth: RequestAuth) => {
        requireScope(auth.principal, 'vault:read');
        return (await s.secrets.list()).map((x) => ({ ...x, createdAt: iso(x.createdAt), rotatedAt: iso(x.rotatedAt) }));
      },
      auditLog: async (_: unknown, args: { limit?: number }, auth: RequestAuth) => {
        requireScope(auth.principal, 'audit:read');
        const limit = args.limit ?? 100;
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          throw new EmpireError(ErrorCode.BadUserInput, `"limit" must be between 1 and 1000, got ${limit}`);
        return (await recentAudit(s.db, limit)).map((e) => ({
          ...e,
          id: String(e.id),
          createdAt: iso(e.createdAt),
          before: e.before ? JSON.stringify(e.before) : null,
          after: e.after ? JSON.stringify(e.after) : null,
        }));
      },
      verifyAudit: async (_: unknown, __: unknown, auth: RequestAuth) => {
        requireScope(auth.principal, 'audit:read');
        const result = await verifyAuditChain(s.db);
        return { ...result, firstBrokenId: result.firstBrokenId === null ? null : String(result.firstBrokenId) };
      },
    },
    Mutation: {
      login: async (_: unknown, args: { email: string; password: string }, auth: RequestAuth) =>
        authJson(await s.auth.login(args.email, args.password, auth.ip)),
      refreshToken: async (_: unknown, args: { refreshToken: string }, auth: RequestAuth) => authJson(await s.auth.refresh(args.refreshToken, auth.ip)),
      logout: (_: unknown, args: { refreshToken: string }, auth: RequestAuth) => s.auth.logout(args.refreshToken, auth.ip),
      rotateSigningKey: async (_: unknown, __: unknown, auth: RequestAuth) =>
        keyJson(await s.signingKeys.rotate(requireScope(auth.principal, 'vault:write'), auth.ip)),
      revokeSigningKey: async (_: unknown, args: { kid: string }, auth: RequestAuth) =>
        keyJson(await s.signingKeys.revoke(args.kid, requireScope(auth.principal, 'vault:write'), auth.ip)),
      createApiKey: async (_: unknown, args: { name: string; role: string; expiresInDays?: number | null; expiresIn?: string | null }, auth: RequestAuth) => {
        const actor = requireScope(auth.principal, 'vault:write');
        const expiresInMs = args.expiresIn ? parseExpiry(args.expiresIn) : args.expiresInDays == null ? null : parseExpiry(args.expiresInDays);
        const created = await s.apiKeys.create({ name: args.name, role: args.role, expiresInMs }, actor, auth.ip);
        return { apiKey: apiKeyJson(created.apiKey), key: created.key };
      },
      revokeApiKey: async (_: unknown, args: { id: string }, auth: RequestAuth) =>
        apiKeyJson(await s.apiKeys.revoke(Number(args.id), requireScope(auth.principal, 'vault:write'), auth.ip)),
    },
  };
}
