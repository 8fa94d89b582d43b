import { randomUUID } from 'node:crypto';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { AccessTokenVerifier, apiAudience, type TokenCheck } from './access-token';
import { accessTokenSettingsFrom } from './auth-env';
import type { Caller } from './principal';
import { signAccessToken } from './access-token-signer';

const ISSUER = 'https://identity.example.test';
const now = new Date('2026-12-06T10:00:00Z');
const seconds = now.getTime() / 1000;

describe(AccessTokenVerifier.name, () => {
  let privateJwk: JWK;
  let signingKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let otherKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let verifier: AccessTokenVerifier;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    signingKey = pair.privateKey;
    otherKey = (await generateKeyPair('ES256')).privateKey;
    privateJwk = { ...(await exportJWK(pair.privateKey)), kid: 'k1', alg: 'ES256' };
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
    verifier = new AccessTokenVerifier({
      issuers: [ISSUER],
      audience: apiAudience('dispatching'),
      keys: createLocalJWKSet({ keys: [publicJwk] }),
      maxLifetimeSeconds: 900,
      clockToleranceSeconds: 30,
    });
  });

  const issued = (caller: Caller, overrides: { audience?: string; ttlSeconds?: number } = {}) =>
    signAccessToken(caller, {
      issuer: ISSUER,
      privateJwk,
      key: signingKey,
      clientId: 'client-1',
      audience: overrides.audience ?? apiAudience('dispatching'),
      now,
      ttlSeconds: overrides.ttlSeconds ?? 300,
    });

  /** A token with exactly these claims and header, for what the platform's signer never makes. */
  const crafted = (
    claims: JWTPayload,
    header: Record<string, unknown> = {},
    key: Parameters<SignJWT['sign']>[0] = signingKey,
  ) =>
    new SignJWT({
      iss: ISSUER,
      sub: 'alice',
      aud: apiAudience('dispatching'),
      iat: seconds,
      exp: seconds + 300,
      jti: randomUUID(),
      client_id: 'client-1',
      sne_kind: 'operator',
      sne_roles: ['territorial-manager'],
      sne_territory: ['057'],
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt', ...header })
      .sign(key);

  const refusal = (reason: string): TokenCheck => ({ ok: false, reason });

  it('gives back the operator, guichet or applicant a token was issued for', async () => {
    const callers: Caller[] = [
      { kind: 'operator', id: 'alice', roles: ['territorial-manager'], territory: ['057', '054'] },
      { kind: 'operator', id: 'root', roles: ['national-admin'], territory: 'all' },
      {
        kind: 'guichet',
        id: '57463',
        guichetType: 'landlord',
        territory: ['057'],
        siren: '552081317',
      },
      { kind: 'applicant', id: 'portal-account-42', email: 'camille@example.org' },
    ];
    for (const caller of callers)
      expect(await verifier.verify(await issued(caller), now)).toEqual({
        ok: true,
        principal: caller,
      });
  });

  it('refuses a token of another API, another issuer, another key or a forged signature', async () => {
    const alice: Caller = {
      kind: 'operator',
      id: 'alice',
      roles: ['national-admin'],
      territory: 'all',
    };
    expect(
      await verifier.verify(await issued(alice, { audience: apiAudience('registration') }), now),
    ).toEqual(refusal('claim aud refused'));
    expect(await verifier.verify(await crafted({ iss: 'https://evil.example' }), now)).toEqual(
      refusal('claim iss refused'),
    );
    expect(await verifier.verify(await crafted({}, {}, otherKey), now)).toEqual(
      refusal('bad signature'),
    );
    expect(await verifier.verify(await crafted({}, { kid: 'k2' }), now)).toEqual(
      refusal('unknown signing key'),
    );
    const [header, , signature] = (await issued(alice)).split('.');
    const widened = Buffer.from(
      JSON.stringify({ sub: 'alice', sne_kind: 'operator', sne_territory: 'all' }),
    ).toString('base64url');
    expect((await verifier.verify(`${header}.${widened}.${signature}`, now)).ok).toBe(false);
  });

  it('refuses unsigned and symmetric tokens whatever their header claims', async () => {
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${Buffer.from(
      JSON.stringify({ iss: ISSUER, sub: 'x', sne_kind: 'operator' }),
    ).toString('base64url')}.`;
    expect((await verifier.verify(none, now)).ok).toBe(false);
    const hmac = await crafted({}, { alg: 'HS256' }, new TextEncoder().encode('x'.repeat(32)));
    expect(await verifier.verify(hmac, now)).toEqual(refusal('algorithm not allowed'));
    expect((await verifier.verify('x'.repeat(9_000), now)).ok).toBe(false);
  });

  it('refuses an id token or any JWT that is not an access token (typ at+jwt)', async () => {
    expect(await verifier.verify(await crafted({}, { typ: 'JWT' }), now)).toEqual(
      refusal('claim typ refused'),
    );
  });

  it('refuses expired, long-lived, future and incomplete tokens, within the clock skew', async () => {
    const alice: Caller = {
      kind: 'operator',
      id: 'alice',
      roles: ['national-admin'],
      territory: 'all',
    };
    const token = await issued(alice);
    expect((await verifier.verify(token, new Date(now.getTime() + 320_000))).ok).toBe(true);
    expect(await verifier.verify(token, new Date(now.getTime() + 340_000))).toEqual(
      refusal('expired'),
    );
    expect(await verifier.verify(await issued(alice, { ttlSeconds: 3_600 }), now)).toEqual(
      refusal('lifetime over 900 s'),
    );
    expect(
      await verifier.verify(await crafted({ iat: seconds + 120, exp: seconds + 400 }), now),
    ).toEqual(refusal('issued in the future'));
    for (const claim of ['jti', 'client_id', 'sub', 'iat'])
      expect(await verifier.verify(await crafted({ [claim]: undefined }), now)).toEqual(
        refusal(`claim ${claim} refused`),
      );
  });

  it('refuses a token with no role, no territory or an unknown kind, even when signed', async () => {
    const cases: [JWTPayload, string][] = [
      [{ sne_roles: [] }, 'no role'],
      [{ sne_roles: undefined }, 'no role'],
      [{ sne_roles: ['superuser'] }, 'unknown role'],
      [{ sne_territory: [] }, 'no territory'],
      [{ sne_territory: undefined }, 'no territory'],
      [{ sne_territory: ['57'] }, 'no territory'],
      [{ sne_territory: 'everywhere' }, 'no territory'],
      [{ sne_kind: 'root' }, 'unknown principal kind'],
      [{ sne_kind: 'guichet', sub: 'not-a-code' }, 'malformed guichet code'],
      [
        { sne_kind: 'guichet', sub: '57463', sne_guichet_type: 'landlord', sne_siren: '12' },
        'malformed siren',
      ],
      [{ sne_kind: 'guichet', sub: '57463' }, 'no guichet type'],
      [
        { sne_kind: 'applicant', sub: 'acc-1', email: 'Camille@Example.org' },
        'incomplete applicant claims',
      ],
    ];
    for (const [claims, reason] of cases)
      expect(await verifier.verify(await crafted(claims), now)).toEqual(refusal(reason));
  });
});

describe(accessTokenSettingsFrom.name, () => {
  const env = {
    NODE_ENV: 'production',
    AUTH_ISSUER: ISSUER,
    AUTH_JWKS_URI: '',
    AUTH_JWKS: { keys: [] },
    AUTH_MAX_TOKEN_LIFETIME_SECONDS: 900,
    AUTH_CLOCK_TOLERANCE_SECONDS: 30,
  };

  it('names each API as its audience', () => {
    const settings = accessTokenSettingsFrom(
      { ...env, AUTH_JWKS_URI: 'https://identity.example.test/jwks' },
      'registration',
    );
    expect(settings.audience).toBe('urn:sne:api:registration');
  });

  it('refuses to start in production with no key source, or with a skew past two minutes', () => {
    expect(() => accessTokenSettingsFrom(env, 'registration')).toThrow(/AUTH_JWKS_URI/);
    expect(() =>
      accessTokenSettingsFrom(
        { ...env, AUTH_JWKS_URI: 'https://i.example/jwks', AUTH_CLOCK_TOLERANCE_SECONDS: 600 },
        'registration',
      ),
    ).toThrow(/between 0 and 120/);
  });
});
