import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { appendAudit, type Database, EmpireError, ErrorCode, isRole, type Principal, ROLES, type Role, type TokenIssuer } from '@empire/platform';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { LoginRateLimiter } from './login-rate-limiter.ts';
import { generatePassword, hashPassword, verifyPassword } from './passwords.ts';

export interface UserView {
  id: number;
  email: string;
  role: Role;
  createdAt: Date;
  lastLoginAt: Date | null;
}

export interface AuthPayload {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  user: UserView;
}

interface UserRow {
  id: string | number;
  email: string;
  password_hash: string;
  role: Role;
  disabled: boolean;
  created_at: Date;
  last_login_at: Date | null;
}

interface RefreshRow {
  id: string | number;
  user_id: string | number;
  family_id: string;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

const toUser = (r: UserRow): UserView => ({
  id: Number(r.id),
  email: r.email,
  role: r.role,
  createdAt: new Date(r.created_at),
  lastLoginAt: r.last_login_at ? new Date(r.last_login_at) : null,
});
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const INVALID_LOGIN = 'Invalid email or password';

/** Users, passwords (scrypt), login with short-lived access tokens and rotating refresh tokens. */
export class AuthService {
  readonly #db: Database;
  readonly #issuer: TokenIssuer;
  readonly #limiter: LoginRateLimiter;
  readonly #accessTtl: number;
  readonly #refreshTtl: number;

  constructor(deps: { db: Database; issuer: TokenIssuer; limiter: LoginRateLimiter; accessTokenTtlSeconds: number; refreshTokenTtlSeconds: number }) {
    this.#db = deps.db;
    this.#issuer = deps.issuer;
    this.#limiter = deps.limiter;
    this.#accessTtl = deps.accessTokenTtlSeconds;
    this.#refreshTtl = deps.refreshTokenTtlSeconds;
  }

  /** Creates a user; returns the generated password when none was given (shown once). */
  async createUser(
    input: { email: string; role: string; password?: string | null },
    actor: string,
    ip: string | null = null,
  ): Promise<{ user: UserView; generatedPassword: string | null }> {
    const email = input.email.trim().toLowerCase();
    const problems: string[] = [];
    if (!EMAIL.test(email)) problems.push(`"email" must be an email address, got "${input.email}"`);
    if (!isRole(input.role)) problems.push(`"role" must be one of ${ROLES.join(', ')}, got "${input.role}"`);
    if (input.password != null && input.password.length < 12) problems.push('"password" must be at least 12 characters');
    if (problems.length) throw new EmpireError(ErrorCode.BadUserInput, `Cannot create user: ${problems.join('; ')}`);
    const generatedPassword = input.password ? null : generatePassword();
    const passwordHash = await hashPassword(input.password ?? (generatedPassword as string));
    const user = await this.#db.transaction(async (em) => {
      const ctx = em.getTransactionContext();
      const existing = await em.getConnection().execute<UserRow[]>('select * from users where email = ?', [email], 'all', ctx);
      if (existing.length) throw new EmpireError(ErrorCode.Conflict, `A user with email ${email} already exists`);
      const rows = await em
        .getConnection()
        .execute<UserRow[]>('insert into users (email, password_hash, role) values (?, ?, ?) returning *', [email, passwordHash, input.role], 'all', ctx);
      const created = toUser(rows[0] as UserRow);
      await appendAudit(em, { actor, action: 'user.created', target: `user:${created.id}`, after: { email, role: created.role }, ip });
      return created;
    });
    return { user, generatedPassword };
  }

  /** On the very first start: an admin with a one-time password, when no admin exists. */
  async ensureFirstAdmin(email = 'admin@empire.local'): Promise<{ email: string; password: string } | null> {
    const admins = await this.#db.query<{ count: string }>(`select count(*) as count from users where role = 'admin' and not disabled`);
    if (Number(admins[0]?.count) > 0) return null;
    const { generatedPassword } = await this.createUser({ email, role: 'admin' }, 'empire');
    return { email, password: generatedPassword as string };
  }

  async me(principal: Principal | null): Promise<UserView | null> {
    if (principal?.kind !== 'user') return null;
    const rows = await this.#db.query<UserRow>('select * from users where id = ?', [Number(principal.id)]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async login(emailInput: string, password: string, ip: string | null): Promise<AuthPayload> {
    const email = emailInput.trim().toLowerCase();
    if (!email || !password) throw new EmpireError(ErrorCode.BadUserInput, 'Email and password are required');
    this.#limiter.check(email, ip);
    const rows = await this.#db.query<UserRow>('select * from users where email = ?', [email]);
    const row = rows[0];
    // hash even for unknown users, so response time does not reveal which emails exist
    const valid = row && !row.disabled ? await verifyPassword(password, row.password_hash) : await hashPassword(password).then(() => false);
    if (!row || !valid) {
      this.#limiter.fail(email, ip);
      await this.#db.transaction((em) => appendAudit(em, { actor: email, action: 'auth.login_failed', target: row ? `user:${row.id}` : null, ip }));
      throw new EmpireError(ErrorCode.Unauthenticated, INVALID_LOGIN);
    }
    this.#limiter.succeed(email);
    return this.#db.transaction(async (em) => {
      await em.getConnection().execute('update users set last_login_at = now(), updated_at = now() where id = ?', [row.id], 'run', em.getTransactionContext());
      await appendAudit(em, { actor: email, action: 'auth.login', target: `user:${row.id}`, ip });
      return this.#issue(em, { ...toUser(row), lastLoginAt: new Date() }, randomUUID());
    });
  }

  /** Swaps a refresh token for a new pair. A refresh token used twice revokes its whole family. */
  async refresh(refreshToken: string, ip: string | null): Promise<AuthPayload> {
    const hash = sha256(refreshToken);
    const outcome = await this.#db.transaction(async (em) => {
      const ctx = em.getTransactionContext();
      const connection = em.getConnection();
      const rows = await connection.execute<RefreshRow[]>('select * from refresh_tokens where token_hash = ? for update', [hash], 'all', ctx);
      const token = rows[0];
      if (!token) return { error: 'Invalid refresh token' } as const;
      if (token.used_at || token.revoked_at) {
        await connection.execute(
          'update refresh_tokens set revoked_at = coalesce(revoked_at, now()), updated_at = now() where family_id = ?',
          [token.family_id],
          'run',
          ctx,
        );
        await appendAudit(em, { actor: `user:${token.user_id}`, action: 'auth.refresh_token_reused', target: `family:${token.family_id}`, ip });
        return { error: 'Refresh token was already used; every session of this login was ended' } as const;
      }
      if (new Date(token.expires_at).getTime() < Date.now()) return { error: 'Refresh token expired' } as const;
      await connection.execute('update refresh_tokens set used_at = now(), updated_at = now() where id = ?', [token.id], 'run', ctx);
      const users = await connection.execute<UserRow[]>('select * from users where id = ? and not disabled', [token.user_id], 'all', ctx);
      if (!users[0]) return { error: 'User no longer exists' } as const;
      return { payload: await this.#issue(em, toUser(users[0]), token.family_id) } as const;
    });
    if ('error' in outcome) throw new EmpireError(ErrorCode.Unauthenticated, outcome.error as string);
    return outcome.payload;
  }

  async logout(refreshToken: string, ip: string | null): Promise<boolean> {
    return this.#db.transaction(async (em) => {
      const ctx = em.getTransactionContext();
      const rows = await em.getConnection().execute<RefreshRow[]>('select * from refresh_tokens where token_hash = ?', [sha256(refreshToken)], 'all', ctx);
      const token = rows[0];
      if (!token) return false;
      await em
        .getConnection()
        .execute('update refresh_tokens set revoked_at = coalesce(revoked_at, now()), updated_at = now() where family_id = ?', [token.family_id], 'run', ctx);
      await appendAudit(em, { actor: `user:${token.user_id}`, action: 'auth.logout', target: `family:${token.family_id}`, ip });
      return true;
    });
  }

  async #issue(em: EntityManager, user: UserView, familyId: string): Promise<AuthPayload> {
    const access = await this.#issuer.issue({ subject: String(user.id), name: user.email, role: user.role, ttlSeconds: this.#accessTtl });
    const refreshToken = randomBytes(32).toString('base64url');
    await em
      .getConnection()
      .execute(
        'insert into refresh_tokens (user_id, family_id, token_hash, expires_at) values (?, ?, ?, ?)',
        [user.id, familyId, sha256(refreshToken), new Date(Date.now() + this.#refreshTtl * 1000)],
        'run',
        em.getTransactionContext(),
      );
    return { accessToken: access.token, refreshToken, expiresAt: access.expiresAt, user };
  }
}
