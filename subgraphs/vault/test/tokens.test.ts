import { createHmac } from 'node:crypto';
import { startTestStack, type TestStack } from '@empire/cli/test-stack';
import { type CredentialVerifier, EventBus, type JwtClaims, loadSigningKeys, signJwt } from '@empire/platform';
import { waitFor } from '@empire/platform/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Answer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function gql<T>(url: string, query: string, credential?: string, variables?: Record<string, unknown>): Promise<Answer<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (credential) headers.authorization = `Bearer ${credential}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as Answer<T>;
}

const ME = '{ me { email role } }';

describe('tokens and keys', () => {
  let stack: TestStack;
  let adminKey: string;
  let login: () => Promise<{ accessToken: string; refreshToken: string }>;

  beforeAll(async () => {
    stack = await startTestStack({ parts: ['registry', 'subgraph:system', 'subgraph:vault', 'gateway'] });
    adminKey = await stack.apiKeyFor('admin');
    login = async () => {
      const answer = await gql<{ login: { accessToken: string; refreshToken: string } }>(
        stack.gatewayUrl,
        'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken } }',
        undefined,
        {
          e: stack.adminCredentials.email,
          p: stack.adminCredentials.password,
        },
      );
      if (!answer.data) throw new Error(JSON.stringify(answer.errors));
      return answer.data.login;
    };
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('logs in, and a token issued before a rotation still works after it', async () => {
    const { accessToken } = await login();
    expect((await gql<{ me: { email: string } }>(stack.gatewayUrl, ME, accessToken)).data?.me.email).toBe(stack.adminCredentials.email);
    const rotated = await gql<{ rotateSigningKey: { kid: string; state: string } }>(stack.gatewayUrl, 'mutation { rotateSigningKey { kid state } }', adminKey);
    expect(rotated.data?.rotateSigningKey.state).toBe('ACTIVE');
    expect((await gql<{ me: { email: string } }>(stack.gatewayUrl, ME, accessToken)).data?.me.email).toBe(stack.adminCredentials.email);
    const fresh = await login();
    const header = JSON.parse(Buffer.from(fresh.accessToken.split('.')[0] as string, 'base64url').toString()) as { kid: string; alg: string };
    expect(header).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: rotated.data?.rotateSigningKey.kid });

    const jwks = (await (await fetch(`${stack.config.gatewayUrl}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.length).toBe(3);
    expect(jwks.keys.map((k) => k.kid)).toContain(rotated.data?.rotateSigningKey.kid);
  });

  it('keeps every older version in secrets_vault, inactive', async () => {
    await gql(stack.gatewayUrl, 'mutation { rotateSigningKey { kid } }', adminKey);
    const rows = await stack.platform.db.query<{ version: number; active: boolean; state: string }>(
      `select version, active, state from secrets_vault where key_id = 'jwt-signing' order by version`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.filter((r) => r.active)).toHaveLength(1);
    expect(rows.filter((r) => r.state === 'retiring').length).toBeGreaterThanOrEqual(2);
    expect(rows.filter((r) => !r.active).length).toBe(rows.length - 1);
  });

  it('refuses tokens of a revoked key and a revoked API key in a second process within 1 s', async () => {
    const second = await stack.startSecondGateway();
    const secondUrl = second.graphqlUrl;
    try {
      const { accessToken } = await login();
      const viewerKey = await stack.apiKeyFor('viewer');
      await waitFor(async () => ((await gql<{ me: unknown }>(secondUrl, ME, accessToken).catch(() => ({ data: null }))).data?.me ? true : undefined), {
        timeoutMs: 30_000,
        what: 'second gateway',
      });
      expect((await gql<{ schemaVersions: unknown[] }>(secondUrl, '{ schemaVersions(limit: 1) { version } }', viewerKey)).data?.schemaVersions).toHaveLength(1);

      const kid = JSON.parse(Buffer.from(accessToken.split('.')[0] as string, 'base64url').toString()).kid as string;
      const revokedAt = Date.now();
      const revoked = await gql<{ revokeSigningKey: { state: string } }>(
        stack.gatewayUrl,
        'mutation ($kid: ID!) { revokeSigningKey(kid: $kid) { state } }',
        adminKey,
        { kid },
      );
      expect(revoked.data?.revokeSigningKey.state).toBe('REVOKED');
      // refused by the second gateway's own verifier (not only by the vault subgraph behind it)
      const refusedBySecond = async () => {
        const error = (await gql(secondUrl, ME, accessToken)).errors?.[0];
        return error?.extensions?.code === 'UNAUTHENTICATED' && error.message.includes('revoked') ? true : undefined;
      };
      await waitFor(refusedBySecond, { timeoutMs: 1_000, intervalMs: 10, what: 'revoked token refused' });
      expect(Date.now() - revokedAt).toBeLessThan(1_000);

      const apiKeyId = (await gql<{ apiKeys: { id: string; name: string }[] }>(stack.gatewayUrl, '{ apiKeys { id name } }', adminKey)).data?.apiKeys.find(
        (k) => k.name === 'test viewer',
      )?.id;
      const keyRevokedAt = Date.now();
      await gql(stack.gatewayUrl, 'mutation ($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', adminKey, { id: apiKeyId });
      await waitFor(
        async () => ((await gql(secondUrl, '{ schemaVersions(limit: 1) { version } }', viewerKey)).errors?.[0]?.message.includes('revoked') ? true : undefined),
        {
          timeoutMs: 1_000,
          intervalMs: 10,
          what: 'revoked API key refused',
        },
      );
      expect(Date.now() - keyRevokedAt).toBeLessThan(1_000);
    } finally {
      await second.stop();
    }
  });

  it('refuses alg none, HS256 signed with the public key, a tampered signature, an expired token and a wrong issuer or audience', async () => {
    const verifier: CredentialVerifier = stack.platform.security.verifier;
    const { accessToken } = await login();
    const [headerPart, payloadPart, signaturePart] = accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString()) as JwtClaims;
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const kid = JSON.parse(Buffer.from(headerPart, 'base64url').toString()).kid as string;
    const active = (await loadSigningKeys(stack.platform.db)).find((k) => k.meta.kid === kid);
    const publicJwk = JSON.stringify(active?.meta.publicJwk);
    const hs256Input = `${b64({ alg: 'HS256', typ: 'JWT', kid })}.${payloadPart}`;
    const privateKeyPem = stack.platform.security.keyring.decrypt(
      active?.envelope ?? { value: '', wrappedKey: '', masterKeyId: '' },
      `secrets_vault:jwt-signing:${active?.version}`,
    );
    const signed = (changes: Partial<JwtClaims>) => signJwt({ ...claims, ...changes }, { kid, algorithm: 'EdDSA', privateKeyPem });

    const forged: [string, string, RegExp][] = [
      ['alg none', `${b64({ alg: 'none', typ: 'JWT', kid })}.${payloadPart}.`, /algorithm none/],
      ['HS256 with the public key', `${hs256Input}.${createHmac('sha256', publicJwk).update(hs256Input).digest('base64url')}`, /algorithm HS256/],
      ['tampered signature', `${headerPart}.${payloadPart}.${signaturePart.slice(0, -4)}AAAA`, /signature/],
      ['tampered payload', `${headerPart}.${b64({ ...claims, role: 'admin', sub: '999' })}.${signaturePart}`, /signature/],
      ['expired', signed({ exp: Math.floor(Date.now() / 1000) - 3600 }), /expired/],
      ['wrong issuer', signed({ iss: 'someone-else' }), /issuer/],
      ['wrong audience', signed({ aud: 'another-api' }), /audience/],
    ];
    expect(await verifier.verify({ authorization: `Bearer ${signed({})}` })).toMatchObject({ role: 'admin' });
    for (const [what, token, reason] of forged) {
      await expect(verifier.verify({ authorization: `Bearer ${token}` }), what).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
        message: expect.stringMatching(reason),
      });
      const through = await gql(stack.gatewayUrl, ME, token);
      expect(through.errors?.[0]?.extensions?.code, what).toBe('UNAUTHENTICATED');
    }
  });

  it('rotates refresh tokens and revokes the family when one is reused', async () => {
    const first = await login();
    const refresh = (token: string) =>
      gql<{ refreshToken: { accessToken: string; refreshToken: string } }>(
        stack.gatewayUrl,
        'mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }',
        undefined,
        { t: token },
      );
    const second = await refresh(first.refreshToken);
    expect(second.data?.refreshToken.refreshToken).toBeDefined();
    const reuse = await refresh(first.refreshToken);
    expect(reuse.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringContaining('already used') });
    const afterReuse = await refresh(second.data?.refreshToken.refreshToken as string);
    expect(afterReuse.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rate-limits failed logins per email', async () => {
    const attempt = () => gql(stack.gatewayUrl, 'mutation { login(email: "nobody@empire.local", password: "wrong-password") { accessToken } }');
    for (let i = 0; i < 5; i++)
      expect((await attempt()).errors?.[0]).toMatchObject({ message: 'Invalid email or password', extensions: { code: 'UNAUTHENTICATED' } });
    const blocked = await attempt();
    expect(blocked.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringContaining('try again in') });
  });

  it('publishes a rotation event that a listener of another connection receives', async () => {
    const listener = new EventBus({
      db: stack.platform.db,
      logger: (await import('@empire/platform')).createLogger({ name: 't', level: 'silent' }),
      source: 'rotation-listener',
    });
    const seen: string[] = [];
    listener.subscribe('secret.*', (event) => {
      seen.push(event.name);
    });
    await listener.start();
    try {
      await gql(stack.gatewayUrl, 'mutation { rotateSigningKey { kid } }', adminKey);
      await waitFor(() => (seen.includes('secret.rotated') ? true : undefined), { what: 'secret.rotated' });
    } finally {
      await listener.stop();
    }
  });
});
