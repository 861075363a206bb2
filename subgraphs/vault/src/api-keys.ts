import {
  appendAudit,
  type Database,
  EmpireError,
  ErrorCode,
  type EventBus,
  EventName,
  generateApiKey,
  isRole,
  type Principal,
  ROLES,
  type SecretEventPayload,
} from '@empire/platform';

export interface ApiKeyView {
  id: number;
  name: string;
  prefix: string;
  roles: string[];
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdBy: string | null;
}

interface Row {
  id: string | number;
  name: string;
  prefix: string;
  role: string;
  scopes: string[];
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_by: string | null;
}

const toView = (r: Row): ApiKeyView => ({
  id: Number(r.id),
  name: r.name,
  prefix: r.prefix,
  roles: [r.role],
  scopes: r.scopes,
  createdAt: new Date(r.created_at),
  expiresAt: r.expires_at ? new Date(r.expires_at) : null,
  lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
  revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
  createdBy: r.created_by,
});

/** Parses "30d", "12h", "90m" or a number of days into milliseconds. */
export function parseExpiry(value: string | number): number {
  if (typeof value === 'number') return value * 86_400_000;
  const match = /^(\d+)\s*([dhm])$/.exec(value.trim());
  if (!match) throw new EmpireError(ErrorCode.BadUserInput, `Expiry "${value}" must look like 30d, 12h or 90m`);
  const amount = Number(match[1]);
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[match[2] as 'd' | 'h' | 'm'];
  if (amount < 1) throw new EmpireError(ErrorCode.BadUserInput, `Expiry "${value}" must be at least 1${match[2]}`);
  return amount * unit;
}

/** API keys: created with a role, shown once, stored as SHA-256 + prefix, revocable. */
export class ApiKeyService {
  readonly #db: Database;
  readonly #bus: EventBus;

  constructor(deps: { db: Database; bus: EventBus }) {
    this.#db = deps.db;
    this.#bus = deps.bus;
  }

  async list(): Promise<ApiKeyView[]> {
    return (await this.#db.query<Row>('select * from api_keys order by id desc')).map(toView);
  }

  async create(
    input: { name: string; role: string; expiresInMs?: number | null },
    actor: Principal,
    ip: string | null,
  ): Promise<{ apiKey: ApiKeyView; key: string }> {
    const name = input.name.trim();
    const problems: string[] = [];
    if (!name || name.length > 200) problems.push('"name" must be 1 to 200 characters');
    if (!isRole(input.role)) problems.push(`"role" must be one of ${ROLES.join(', ')}, got "${input.role}"`);
    if (input.expiresInMs != null && input.expiresInMs <= 0) problems.push('"expires" must be in the future');
    if (problems.length) throw new EmpireError(ErrorCode.BadUserInput, `Cannot create API key: ${problems.join('; ')}`);
    const generated = generateApiKey();
    const expiresAt = input.expiresInMs ? new Date(Date.now() + input.expiresInMs) : null;
    const apiKey = await this.#db.transaction(async (em) => {
      const rows = await em
        .getConnection()
        .execute<Row[]>(
          'insert into api_keys (name, prefix, key_hash, role, expires_at, created_by) values (?, ?, ?, ?, ?, ?) returning *',
          [name, generated.prefix, generated.hash, input.role, expiresAt, actor.name],
          'all',
          em.getTransactionContext(),
        );
      const view = toView(rows[0] as Row);
      await appendAudit(em, {
        actor: actor.name,
        action: 'vault.api_key.created',
        target: `api_key:${view.id}`,
        after: { name, role: input.role, prefix: view.prefix, expiresAt: expiresAt?.toISOString() ?? null },
        ip,
      });
      return view;
    });
    return { apiKey, key: generated.key };
  }

  async revoke(id: number, actor: Principal, ip: string | null): Promise<ApiKeyView> {
    if (!Number.isInteger(id) || id < 1) throw new EmpireError(ErrorCode.BadUserInput, `API key id must be a positive whole number, got ${id}`);
    return this.#db.transaction(async (em) => {
      const ctx = em.getTransactionContext();
      const rows = await em
        .getConnection()
        .execute<Row[]>('update api_keys set revoked_at = coalesce(revoked_at, now()), updated_at = now() where id = ? returning *', [id], 'all', ctx);
      const row = rows[0];
      if (!row) throw new EmpireError(ErrorCode.NotFound, `No API key with id ${id}`);
      const view = toView(row);
      await appendAudit(em, {
        actor: actor.name,
        action: 'vault.api_key.revoked',
        target: `api_key:${id}`,
        before: { name: view.name, prefix: view.prefix },
        after: { revokedAt: view.revokedAt?.toISOString() ?? null },
        ip,
      });
      await this.#bus.publish(EventName.SecretRevoked, { kind: 'api_key', id } satisfies SecretEventPayload, em);
      return view;
    });
  }
}
