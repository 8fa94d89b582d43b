import { randomUUID } from 'node:crypto';
import { type importJWK, type JWK, SignJWT } from 'jose';
import { ACCESS_TOKEN_TYPE, claimsOf } from './access-token';
import type { Caller } from './principal';

type SigningKey = Awaited<ReturnType<typeof importJWK>>;

/**
 * One access token of RFC 9068 for `caller`, to the API(s) named by `audience`. The identity
 * provider issues the platform's tokens; this serves the local platform's dev script and tests.
 */
export function signAccessToken(
  caller: Caller,
  options: {
    readonly issuer: string;
    readonly privateJwk: JWK;
    readonly key: SigningKey;
    readonly clientId: string;
    readonly audience: string | string[];
    readonly now: Date;
    readonly ttlSeconds: number;
  },
): Promise<string> {
  const iat = Math.floor(options.now.getTime() / 1000);
  return new SignJWT({ ...claimsOf(caller), client_id: options.clientId })
    .setProtectedHeader({
      alg: options.privateJwk.alg as string,
      kid: options.privateJwk.kid,
      typ: ACCESS_TOKEN_TYPE,
    })
    .setIssuer(options.issuer)
    .setSubject(caller.id)
    .setAudience(options.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + options.ttlSeconds)
    .setJti(randomUUID())
    .sign(options.key);
}
