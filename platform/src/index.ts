export { type AlertInput, type AlertRecord, type AlertSeverity, raiseAlert, recentAlerts } from './alerts/alerts.ts';
export { type AuditEntry, type AuditEntryInput, type AuditVerification, appendAudit, recentAudit, verifyAuditChain } from './audit/audit-log.ts';
export { apiKeyChecksumValid, generateApiKey, hashApiKey, looksLikeApiKey } from './auth/api-key-format.ts';
export { authError, authenticateRequest, authorizeOperation, type CredentialSource, type RequestAuth } from './auth/authorize-operation.ts';
export { CredentialVerifier, type SecretEventPayload } from './auth/credential-verifier.ts';
export {
  checkPolicy,
  type Denial,
  extractPolicies,
  type FieldPolicy,
  findUnauthorizedFields,
  nullAt,
  type PolicyMap,
  SECURITY_DIRECTIVES,
  type UnauthorizedField,
  withoutFields,
} from './auth/field-policies.ts';
export {
  generateSigningKey,
  type JwtClaims,
  type JwtFailure,
  type JwtResult,
  publicKeyFromJwk,
  type SigningAlgorithm,
  type SigningKeyPair,
  signJwt,
  verifyJwt,
} from './auth/jwt.ts';
export { createProcessSecurity, keyringFromConfig, type ProcessSecurity } from './auth/process-security.ts';
export { hasScope, isRole, type Principal, ROLE_SCOPES, ROLES, type Role, requireScope, satisfiesScopes, scopesOf } from './auth/roles.ts';
export { JWT_SIGNING_KEY_ID, loadSigningKeys, type SigningKeyMeta, type SigningKeyRow, type SigningKeyState } from './auth/signing-key-store.ts';
export { TokenIssuer } from './auth/token-issuer.ts';
export { CONFIG_ERROR_EXIT_CODE, type Config, ConfigError, configSchema, loadConfig, parseConfig } from './config/config.ts';
export { type EnvelopeCiphertext, generateKey, keyFingerprint, MasterKeyring, parseKey, secretContext } from './crypto/envelope.ts';
export { backoffDelay, retryWhile, sleep } from './db/backoff.ts';
export { isConnectionError, toDbError } from './db/connection-errors.ts';
export { databaseName, describeUrl, withDatabase } from './db/connection-url.ts';
export { type AnyEntitySchema, Database, type DatabaseOptions } from './db/database.ts';
export { type EmbeddedPostgresOptions, EmbeddedPostgresServer } from './db/embedded-postgres.ts';
export { dropDatabaseIfExists, ensureDatabaseExists, quoteIdentifier } from './db/ensure-database.ts';
export { commonColumns } from './entities/common-columns.ts';
export { AdminLogEntity, AlertEntity, coreEntities, EventEntity } from './entities/core-entities.ts';
export { EmpireError, ErrorCode, errorMessage, isEmpireError } from './errors.ts';
export { EventBus, type EventBusOptions, type EventHandler, type ListenerState } from './events/event-bus.ts';
export { type EmpireEvent, EVENTS_CHANNEL, EventName, isValidEventName } from './events/event-names.ts';
export { eventStream } from './events/event-stream.ts';
export { createLogger, type Logger } from './logger.ts';
