import { randomUUID } from 'node:crypto';
import { Injectable, type Provider } from '@nestjs/common';
import { Clock } from '@sne/platform';
import { importJWK, type JWK, SignJWT } from 'jose';
import { ACCESS_TOKEN_TYPE, apiAudience, claimsOf } from './access-token';
import type { Caller } from './principal';

type SigningKey = Awaited<ReturnType<typeof importJWK>>;

export interface SigningSettings {
  readonly issuer: string;
  /** A private JWK with its `kid` and `alg`, whose public half is in the APIs' JWKS. */
  readonly privateJwk: JWK;
  /** The `client_id` of the tokens: who asked for them. */
  readonly clientId: string;
}

/**
 * Signs RFC 9068 access tokens for the APIs of the platform: the console's calls, until the
 * console calls them with the signed-in person's own token (docs/security.md).
 */
@Injectable()
export class TokenIssuer {
  private key?: Promise<SigningKey>;

  constructor(
    private readonly clock: Clock,
    private readonly settings: SigningSettings,
  ) {
    if (!settings.privateJwk.kid || !settings.privateJwk.alg || !settings.privateJwk.d)
      throw new Error('the signing key must be a private JWK with kid and alg');
  }

  static provider(settings: SigningSettings): Provider {
    return {
      provide: TokenIssuer,
      inject: [Clock],
      useFactory: (clock: Clock) => new TokenIssuer(clock, settings),
    };
  }

  async issue(caller: Caller, app: string, ttlSeconds = 300): Promise<string> {
    return signAccessToken(caller, {
      ...this.settings,
      key: await (this.key ??= importJWK(this.settings.privateJwk)),
      audience: apiAudience(app),
      now: this.clock.now(),
      ttlSeconds,
    });
  }
}

/** One access token of RFC 9068 for `caller`, to the API named by `audience`. */
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
