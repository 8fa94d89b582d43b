import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import {
  ACCESS_TOKEN_TYPE,
  apiAudience,
  type Caller,
  claimsOf,
  type OperatorRole,
  type Principal,
} from '@sne/auth';

/**
 * Tests sign access tokens with a key of their own, made once per test file: the apps a test
 * starts are given its public half (appEnv), so a token minted here verifies there and nowhere
 * else. Synchronous, so that a test file can build its headers as constants.
 */
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const KID = `sne-test-${randomUUID()}`;

export const TEST_ISSUER = 'https://identity.test.sne.invalid';
/** The JWKS the apps started by a test verify with. */
export const TEST_JWKS = JSON.stringify({
  keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'ES256', use: 'sig' }],
});
/** The identity providers of tests sign with the same key (appEnv gives it IDP_SIGNING_JWKS). */
export const TEST_SIGNING_JWK = JSON.stringify({
  ...privateKey.export({ format: 'jwk' }),
  kid: KID,
  alg: 'ES256',
});
const TEST_APIS = [
  'registration',
  'dispatching',
  'renewal-notices',
  'document-ingestion',
  'console',
  'audit-trail',
];

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A signed access token; `claims` overrides or removes (undefined) any claim, for refusal tests. */
export function signTestToken(
  caller: Caller,
  options: {
    ttlSeconds?: number;
    audience?: string | string[];
    claims?: Record<string, unknown>;
    header?: Record<string, unknown>;
    now?: Date;
  } = {},
): string {
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const payload = Object.fromEntries(
    Object.entries({
      iss: TEST_ISSUER,
      sub: caller.id,
      aud: options.audience ?? TEST_APIS.map(apiAudience),
      iat,
      exp: iat + (options.ttlSeconds ?? 3_600),
      jti: randomUUID(),
      client_id: caller.kind === 'guichet' ? caller.id : 'sne-test',
      ...claimsOf(caller),
      ...options.claims,
    }).filter(([, value]) => value !== undefined),
  );
  const header = { alg: 'ES256', kid: KID, typ: ACCESS_TOKEN_TYPE, ...options.header };
  const input = `${base64url(header)}.${base64url(payload)}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${signature.toString('base64url')}`;
}

export function testToken(principal: Principal): string {
  return signTestToken(principal);
}

/** `Authorization` header of an operator (national admin unless other roles are given). */
export function operatorAuth(
  id = 'operator.test',
  roles: OperatorRole[] = ['national-admin'],
  territory: readonly string[] | 'all' = 'all',
): { authorization: string } {
  return { authorization: `Bearer ${testToken({ kind: 'operator', id, roles, territory })}` };
}

/** `Authorization` header of a guichet's software. */
export function guichetAuth(
  code: string,
  departments: readonly string[],
  guichetType = 'landlord',
  siren?: string,
): { authorization: string } {
  return {
    authorization: `Bearer ${testToken({
      kind: 'guichet',
      id: code,
      guichetType,
      territory: departments,
      ...(siren ? { siren } : {}),
    })}`,
  };
}

/** `Authorization` header of an applicant signed in on the portal. */
export function applicantAuth(id: string, email: string): { authorization: string } {
  return { authorization: `Bearer ${signTestToken({ kind: 'applicant', id, email })}` };
}
