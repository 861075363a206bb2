import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject, sign, verify } from 'node:crypto';

export type SigningAlgorithm = 'EdDSA' | 'ES256';

export interface SigningKeyPair {
  kid: string;
  algorithm: SigningAlgorithm;
  privateKeyPem: string;
  publicJwk: JsonWebKey;
}

export interface JwtClaims {
  iss: string;
  aud: string;
  sub: string;
  exp: number;
  iat: number;
  nbf?: number;
  jti?: string;
  role?: string;
  scopes?: string[];
  name?: string;
  typ?: string;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export function generateSigningKey(kid: string, algorithm: SigningAlgorithm): SigningKeyPair {
  const { privateKey, publicKey } = algorithm === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    kid,
    algorithm,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: algorithm, use: 'sig' } as JsonWebKey,
  };
}

export function signJwt(claims: JwtClaims, key: { kid: string; algorithm: SigningAlgorithm; privateKeyPem: string }): string {
  const header = b64url(JSON.stringify({ alg: key.algorithm, typ: 'JWT', kid: key.kid }));
  const payload = b64url(JSON.stringify(claims));
  const input = Buffer.from(`${header}.${payload}`);
  const privateKey = createPrivateKey(key.privateKeyPem);
  const signature = key.algorithm === 'EdDSA' ? sign(null, input, privateKey) : sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${header}.${payload}.${b64url(signature)}`;
}

export function publicKeyFromJwk(jwk: JsonWebKey): KeyObject {
  return createPublicKey({ key: jwk, format: 'jwk' });
}

export type JwtFailure = 'malformed' | 'algorithm' | 'unknown_key' | 'revoked_key' | 'signature' | 'expired' | 'not_yet_valid' | 'issuer' | 'audience';

export type JwtResult = { ok: true; claims: JwtClaims; kid: string } | { ok: false; reason: JwtFailure; detail: string };

interface VerificationKey {
  algorithm: SigningAlgorithm;
  key: KeyObject;
  revoked: boolean;
}

/**
 * Verifies a compact JWS against keys held in memory. Only EdDSA and ES256 are accepted, and
 * the algorithm must be the key's own: `none`, HS256 "signed" with a public key, or a header
 * claiming another algorithm never verify.
 */
export function verifyJwt(
  token: string,
  keys: (kid: string) => VerificationKey | undefined,
  expected: { issuer: string; audience: string; clockSkewSeconds?: number },
): JwtResult {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed', detail: 'a JWT has three dot-separated parts' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: { alg?: unknown; kid?: unknown };
  let claims: JwtClaims;
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed', detail: 'header or payload is not base64url JSON' };
  }
  if (header.alg !== 'EdDSA' && header.alg !== 'ES256') return { ok: false, reason: 'algorithm', detail: `algorithm ${String(header.alg)} is not accepted` };
  if (typeof header.kid !== 'string') return { ok: false, reason: 'unknown_key', detail: 'token has no kid' };
  const key = keys(header.kid);
  if (!key) return { ok: false, reason: 'unknown_key', detail: `key ${header.kid} is unknown` };
  if (key.revoked) return { ok: false, reason: 'revoked_key', detail: `key ${header.kid} was revoked` };
  if (key.algorithm !== header.alg) return { ok: false, reason: 'algorithm', detail: `key ${header.kid} signs with ${key.algorithm}, not ${header.alg}` };
  const input = Buffer.from(`${headerPart}.${payloadPart}`);
  const signature = Buffer.from(signaturePart, 'base64url');
  const valid =
    key.algorithm === 'EdDSA' ? verify(null, input, key.key, signature) : verify('sha256', input, { key: key.key, dsaEncoding: 'ieee-p1363' }, signature);
  if (!valid) return { ok: false, reason: 'signature', detail: 'signature does not verify' };
  const now = Math.floor(Date.now() / 1000);
  const skew = expected.clockSkewSeconds ?? 30;
  if (typeof claims.exp !== 'number' || claims.exp + skew < now) return { ok: false, reason: 'expired', detail: 'token expired' };
  if (typeof claims.nbf === 'number' && claims.nbf - skew > now) return { ok: false, reason: 'not_yet_valid', detail: 'token not valid yet' };
  if (claims.iss !== expected.issuer) return { ok: false, reason: 'issuer', detail: `issuer ${String(claims.iss)} is not ${expected.issuer}` };
  if (claims.aud !== expected.audience) return { ok: false, reason: 'audience', detail: `audience ${String(claims.aud)} is not ${expected.audience}` };
  return { ok: true, claims, kid: header.kid };
}
