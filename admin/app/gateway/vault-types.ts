/** The parts of the vault subgraph's schema the admin reads, as TypeScript types. */

export const ROLES = ['admin', 'operator', 'viewer', 'neuron'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export interface VaultUser {
  id: string;
  email: string;
  role: string;
  createdAt: string;
  lastLoginAt: string | null;
}

/** Who is signed in, as the session keeps it and the nav shows it. */
export type SignedInUser = Pick<VaultUser, 'email' | 'role'>;

export interface AuthPayload {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  user: SignedInUser;
}

export type KeyState = 'PENDING' | 'ACTIVE' | 'RETIRING' | 'REVOKED';

export interface SigningKey {
  kid: string;
  algorithm: string;
  state: KeyState;
  version: number;
  createdAt: string;
  activatedAt: string | null;
  retiresAt: string | null;
  revokedAt: string | null;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  roles: string[];
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdBy: string | null;
}

/** `createApiKey`'s answer: `key` is the only time the full key is ever seen. */
export interface CreatedApiKey {
  apiKey: ApiKey;
  key: string;
}

export interface SecretSummary {
  keyId: string;
  type: string;
  version: number;
  state: string;
  active: boolean;
  createdAt: string;
  rotatedAt: string | null;
}

export interface AuditEntry {
  id: string;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  createdAt: string;
  before: string | null;
  after: string | null;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  firstBrokenId: string | null;
  reason: string | null;
}

/** GraphQL selections shared by the queries and the mutations that answer the same types. */
export const SIGNING_KEY_FIELDS = 'kid algorithm state version createdAt activatedAt retiresAt revokedAt';
export const API_KEY_FIELDS = 'id name prefix roles scopes createdAt expiresAt lastUsedAt revokedAt createdBy';
export const AUTH_PAYLOAD_FIELDS = 'accessToken refreshToken expiresAt user { email role }';
