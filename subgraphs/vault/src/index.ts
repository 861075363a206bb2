import { readFileSync } from 'node:fs';
import type { Config, CredentialSource, Database, EventBus, Logger, MasterKeyring, SigningAlgorithm, TokenIssuer } from '@empire/platform';
import { type RunningSubgraph, startSubgraphServer } from '@empire/platform/graphql';
import { ApiKeyService } from './api-keys.ts';
import { AuthService } from './auth-service.ts';
import { LoginRateLimiter } from './login-rate-limiter.ts';
import { vaultResolvers } from './resolvers.ts';
import { SecretStore } from './secret-store.ts';
import { SecretsService } from './secrets-service.ts';
import { SigningKeyService } from './signing-keys.ts';

export { type ApiKeyView, parseExpiry } from './api-keys.ts';
export type { AuthPayload, UserView } from './auth-service.ts';
export { ApiKeyEntity, RefreshTokenEntity, SecretEntity, UserEntity, vaultEntities } from './entities.ts';
export { generatePassword } from './passwords.ts';
export { IMPORTABLE_ENV_SECRETS, type SecretSummary } from './secrets-service.ts';
export type { SigningKeyView } from './signing-keys.ts';
export { ApiKeyService, AuthService, SecretsService, SigningKeyService };

export const VAULT_SUBGRAPH_NAME = 'vault';
export const vaultSdl = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');

export interface VaultDeps {
  db: Database;
  bus: EventBus;
  logger: Logger;
  keyring: MasterKeyring;
  issuer: TokenIssuer;
  algorithm: SigningAlgorithm;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  jwksCacheSeconds: number;
}

export interface Vault {
  auth: AuthService;
  signingKeys: SigningKeyService;
  apiKeys: ApiKeyService;
  secrets: SecretsService;
}

/** The vault's settings, from the platform config. */
export function vaultSettings(config: Config): Pick<VaultDeps, 'algorithm' | 'accessTokenTtlSeconds' | 'refreshTokenTtlSeconds' | 'jwksCacheSeconds'> {
  return {
    algorithm: config.EMPIRE_JWT_ALGORITHM,
    accessTokenTtlSeconds: config.EMPIRE_ACCESS_TOKEN_TTL_S,
    refreshTokenTtlSeconds: config.EMPIRE_REFRESH_TOKEN_TTL_S,
    jwksCacheSeconds: config.EMPIRE_JWKS_CACHE_S,
  };
}

/** The vault's services over one database. */
export function createVault(deps: VaultDeps): Vault {
  const store = new SecretStore(deps.db);
  return {
    auth: new AuthService({
      db: deps.db,
      issuer: deps.issuer,
      limiter: new LoginRateLimiter(),
      accessTokenTtlSeconds: deps.accessTokenTtlSeconds,
      refreshTokenTtlSeconds: deps.refreshTokenTtlSeconds,
    }),
    // a rotated-out key keeps verifying for the longest token lifetime plus the JWKS cache time
    signingKeys: new SigningKeyService({
      store,
      bus: deps.bus,
      keyring: deps.keyring,
      algorithm: deps.algorithm,
      retireAfterSeconds: deps.accessTokenTtlSeconds + deps.jwksCacheSeconds,
    }),
    apiKeys: new ApiKeyService({ db: deps.db, bus: deps.bus }),
    secrets: new SecretsService({ store, bus: deps.bus, keyring: deps.keyring, logger: deps.logger }),
  };
}

/** The vault subgraph: login, keys, API keys, secrets metadata, audit. */
export function startVaultSubgraph(deps: {
  db: Database;
  vault: Vault;
  verifier: CredentialSource;
  logger: Logger;
  host: string;
  port: number;
}): Promise<RunningSubgraph> {
  return startSubgraphServer({
    name: VAULT_SUBGRAPH_NAME,
    sdl: vaultSdl,
    host: deps.host,
    port: deps.port,
    logger: deps.logger,
    auth: { verifier: deps.verifier, publicFields: ['Mutation.login', 'Mutation.refreshToken', 'Mutation.logout', 'Query.me'] },
    resolvers: vaultResolvers({ db: deps.db, ...deps.vault }),
  });
}
