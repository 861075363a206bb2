import { startTestStack, type TestStack } from '@empire/cli/test-stack';
import { generateKey, keyFingerprint, MasterKeyring, parseKey } from '@empire/platform';
import { runCli } from '@empire/platform/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('vault commands of the empire CLI', () => {
  let stack: TestStack;
  let env: Record<string, string>;

  beforeAll(async () => {
    stack = await startTestStack({ parts: ['registry', 'subgraph:vault', 'gateway'] });
    env = {
      DATABASE_URL: stack.databaseUrl,
      EMPIRE_MASTER_KEY: stack.masterKey,
      EMPIRE_GATEWAY_URL: stack.config.gatewayUrl,
      EMPIRE_API_KEY: await stack.apiKeyFor('admin'),
    };
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('creates users with a generated password shown once, or one read from stdin', async () => {
    const generated = await runCli(['users', 'create', '--email', 'Ops@Example.com', '--role', 'operator', '--json'], env);
    expect(generated.code).toBe(0);
    const created = JSON.parse(generated.stdout) as { email: string; role: string; password: string };
    expect(created).toMatchObject({ email: 'ops@example.com', role: 'operator' });
    expect(created.password).toHaveLength(20);
    const login = await fetch(`${stack.gatewayUrl}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation ($p: String!) { login(email: "ops@example.com", password: $p) { user { role } } }',
        variables: { p: created.password },
      }),
    });
    expect(((await login.json()) as { data: { login: { user: { role: string } } } }).data.login.user.role).toBe('operator');

    const fromStdin = await runCli(['users', 'create', '--email', 'viewer@example.com', '--role', 'viewer', '--password-stdin'], env, {
      input: 'correct horse battery staple\n',
    });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toContain('created viewer viewer@example.com');
    expect(fromStdin.stdout).not.toContain('password');

    const duplicate = await runCli(['users', 'create', '--email', 'ops@example.com', '--role', 'viewer'], env);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('[CONFLICT] A user with email ops@example.com already exists');
    const bad = await runCli(['users', 'create', '--email', 'nope', '--role', 'king'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"email" must be an email address');
    expect(bad.stderr).toContain('"role" must be one of admin, operator, viewer, neuron');
  });

  it('creates, lists and revokes API keys, and rotates the signing key', async () => {
    const created = await runCli(['keys', 'create-api-key', '--name', 'billing neuron', '--role', 'neuron', '--expires', '30d', '--json'], env);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { id: string; key: string; roles: string[]; expiresAt: string };
    expect(key.key).toMatch(/^emp_[A-Za-z0-9_-]{38}$/);
    expect(key.roles).toEqual(['neuron']);
    expect(new Date(key.expiresAt).getTime() - Date.now(), created.stdout).toBeGreaterThan(29 * 86_400_000);

    const listed = await runCli(['keys', 'list'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('billing neuron');
    expect(listed.stdout).not.toContain(key.key);

    const revoked = await runCli(['keys', 'revoke', '--id', key.id], env);
    expect(revoked.code).toBe(0);
    const asRevoked = await runCli(['schema', 'history'], { ...env, EMPIRE_REGISTRY_URL: stack.registryUrl, EMPIRE_API_KEY: key.key });
    expect(asRevoked.code).toBe(1);

    const before = JSON.parse((await runCli(['keys', 'list', '--json'], env)).stdout) as { signingKeys: { kid: string; state: string }[] };
    const rotated = await runCli(['keys', 'rotate', '--type', 'jwt', '--json'], env);
    expect(rotated.code).toBe(0);
    const active = JSON.parse(rotated.stdout) as { kid: string; state: string };
    expect(active.state).toBe('ACTIVE');
    expect(before.signingKeys.find((k) => k.state === 'PENDING')?.kid).toBe(active.kid);

    const wrongType = await runCli(['keys', 'rotate', '--type', 'aes'], env);
    expect(wrongType.code).toBe(1);
    expect(wrongType.stderr).toContain('--type must be "jwt"');
    const noKey = await runCli(['keys', 'list'], { ...env, EMPIRE_API_KEY: '' });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('Set EMPIRE_API_KEY');
  });

  it('re-keys the vault: every data key is re-wrapped and still decrypts under the new master key', async () => {
    const newKey = generateKey();
    const result = await runCli(['vault', 'rekey', '--new-key-stdin', '--json'], env, { input: newKey });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { rewrapped: number; masterKeyId: string; newKey?: string };
    expect(summary.newKey).toBeUndefined();
    expect(summary.masterKeyId).toBe(keyFingerprint(parseKey(newKey, 'new')));
    const rows = await stack.platform.db.query<{ master_key_id: string; key_id: string; version: number; value: string; wrapped_key: string }>(
      'select * from secrets_vault',
    );
    expect(rows.length).toBe(summary.rewrapped);
    expect(new Set(rows.map((r) => r.master_key_id))).toEqual(new Set([summary.masterKeyId]));
    const keyring = new MasterKeyring(parseKey(newKey, 'new'));
    for (const row of rows) {
      expect(() =>
        keyring.decrypt({ value: row.value, wrappedKey: row.wrapped_key, masterKeyId: row.master_key_id }, `secrets_vault:${row.key_id}:${row.version}`),
      ).not.toThrow();
    }
    // the old key alone no longer reads the vault; with the new one as current and the old as previous, it does
    expect(() =>
      new MasterKeyring(parseKey(stack.masterKey, 'old')).decrypt(
        { value: rows[0]?.value ?? '', wrappedKey: rows[0]?.wrapped_key ?? '', masterKeyId: rows[0]?.master_key_id ?? '' },
        'x',
      ),
    ).toThrow(/does not have/);
    const audit = await runCli(['audit', 'verify'], env);
    expect(audit.code).toBe(0);
  });
});
