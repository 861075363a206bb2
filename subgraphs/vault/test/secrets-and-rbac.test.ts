import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestStack, type TestStack } from '@empire/cli/test-stack';
import { loadSigningKeys } from '@empire/platform';
import { runCli } from '@empire/platform/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Answer<T> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string } }[];
}

async function gql<T>(url: string, query: string, credential?: string, variables?: Record<string, unknown>): Promise<Answer<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (credential) headers.authorization = `Bearer ${credential}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as Answer<T>;
}

describe('secrets at rest, RBAC and audit', () => {
  let stack: TestStack;
  let adminKey: string;
  let viewerKey: string;
  const providerKey = `sk-test-${randomBytes(16).toString('hex')}`;
  const logFile = join(tmpdir(), `empire-vault-test-${randomBytes(4).toString('hex')}.log`);

  beforeAll(async () => {
    // a provider key left in the environment is imported into the vault at start
    process.env.OPENAI_API_KEY = providerKey;
    try {
      stack = await startTestStack({ parts: ['registry', 'subgraph:system', 'subgraph:vault', 'gateway'], logFile });
    } finally {
      delete process.env.OPENAI_API_KEY;
    }
    adminKey = await stack.apiKeyFor('admin');
    viewerKey = await stack.apiKeyFor('viewer');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('imports secrets found in the environment, readable through the vault', async () => {
    expect(await stack.platform.vault.secrets.read('provider.openai')).toBe(providerKey);
    const log = await readFile(logFile, 'utf8');
    expect(log).toContain('imported OPENAI_API_KEY into the vault; remove it from the environment');
  });

  it('an admin-only field is null with FORBIDDEN for a viewer, served for an admin, and refused straight at the subgraph without credentials', async () => {
    const query = '{ auditLog(limit: 1) { action } schemaVersions(limit: 1) { version } }';
    const asViewer = await gql<{ auditLog: unknown; schemaVersions: { version: number }[] }>(stack.gatewayUrl, query, viewerKey);
    expect(asViewer.data?.auditLog).toBeNull();
    expect(asViewer.data?.schemaVersions).toHaveLength(1);
    expect(asViewer.errors).toEqual([expect.objectContaining({ path: ['auditLog'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);

    const asAdmin = await gql<{ auditLog: { action: string }[] }>(stack.gatewayUrl, query, adminKey);
    expect(asAdmin.errors).toBeUndefined();
    expect(asAdmin.data?.auditLog).toHaveLength(1);

    const anonymous = await gql(stack.gatewayUrl, query);
    expect(anonymous.errors, JSON.stringify(anonymous.errors)).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }),
    ]);

    const vaultSubgraph = stack.platform.urls['subgraph:vault'] as string;
    const direct = await gql(vaultSubgraph, '{ auditLog(limit: 1) { action } }');
    expect(direct.data ?? null).toBeNull();
    expect(direct.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringContaining('Authentication required') });
    const directAsViewer = await gql(vaultSubgraph, '{ auditLog(limit: 1) { action } }', viewerKey);
    expect(directAsViewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const registryDirect = await gql(`${stack.registryUrl}/graphql`, 'mutation { rollbackSchema(version: 1) { status } }');
    expect(registryDirect.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('leaves no secret in plaintext in the database, the logs or a JSON export of secrets_vault', async () => {
    const { accessToken, refreshToken } = await (async () => {
      const answer = await gql<{ login: { accessToken: string; refreshToken: string } }>(
        stack.gatewayUrl,
        'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken } }',
        undefined,
        {
          e: stack.adminCredentials.email,
          p: stack.adminCredentials.password,
        },
      );
      return answer.data?.login ?? { accessToken: '', refreshToken: '' };
    })();
    expect(accessToken).not.toBe('');
    const created = await gql<{ createApiKey: { key: string } }>(
      stack.gatewayUrl,
      'mutation { createApiKey(name: "scan", role: "operator", expiresIn: "2h") { key } }',
      adminKey,
    );
    const newKey = created.data?.createApiKey.key as string;
    expect(newKey).toMatch(/^emp_/);
    const privateKeys = await Promise.all(
      (await loadSigningKeys(stack.platform.db)).map((k) => stack.platform.security.keyring.decrypt(k.envelope, `secrets_vault:jwt-signing:${k.version}`)),
    );
    const privateKeyBodies = privateKeys.map((pem) => pem.split('\n')[1] as string);
    const secrets = {
      providerKey,
      adminKey,
      viewerKey,
      newKey,
      refreshToken,
      password: stack.adminCredentials.password,
      masterKey: stack.masterKey,
      ...Object.fromEntries(privateKeyBodies.map((b, i) => [`privateKey${i}`, b])),
    };

    const tables = await stack.platform.db.query<{ tablename: string }>(`select tablename from pg_tables where schemaname = current_schema()`);
    let dump = '';
    for (const { tablename } of tables) {
      const rows = await stack.platform.db.query<{ row: string }>(`select row_to_json(t)::text as row from "${tablename}" t`);
      dump += rows.map((r) => r.row).join('\n');
    }
    expect(dump.length).toBeGreaterThan(1000);
    const exported = JSON.stringify(await stack.platform.db.query(`select * from secrets_vault`));
    const log = await readFile(logFile, 'utf8');
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThan(15);
      expect(dump.includes(secret), `${name} in the database`).toBe(false);
      expect(exported.includes(secret), `${name} in the export`).toBe(false);
      expect(log.includes(secret), `${name} in the logs`).toBe(false);
    }
    expect(log.length).toBeGreaterThan(100);
  });

  it('`empire audit verify` passes, then names the row edited by SQL', async () => {
    const env = { DATABASE_URL: stack.databaseUrl, EMPIRE_MASTER_KEY: stack.masterKey };
    const ok = await runCli(['audit', 'verify', '--json'], env);
    expect(ok.code).toBe(0);
    const okResult = JSON.parse(ok.stdout) as { ok: boolean; checked: number };
    expect(okResult.ok).toBe(true);
    expect(okResult.checked).toBeGreaterThan(3);
    const actions = (await stack.platform.db.query<{ action: string }>('select action from admin_logs')).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['user.created', 'vault.api_key.created', 'auth.login']));

    const [target] = await stack.platform.db.query<{ id: string }>(`select id from admin_logs order by id limit 1 offset 2`);
    await stack.platform.db.query(`update admin_logs set actor = 'mallory' where id = ?`, [target?.id]);
    const broken = await runCli(['audit', 'verify'], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`BROKEN at row ${target?.id}`);
    expect(broken.stdout).toContain('altered');
  });
});
