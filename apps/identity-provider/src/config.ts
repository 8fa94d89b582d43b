import { coreEnv, httpPort, loadConfig, redisEnv } from '@sne/platform';
import type { CleanedEnv } from 'envalid';
import { bool, makeValidator, num, str, url } from 'envalid';
import type { JWK } from 'jose';

export const APP_NAME = 'identity-provider';

/** The provider's signing keys: private asymmetric JWKs with kid and alg; the first signs. */
const privateKeySet = makeValidator<JWK[]>((input) => {
  let parsed: { keys?: JWK[] };
  try {
    parsed = JSON.parse(input) as { keys?: JWK[] };
  } catch {
    throw new Error('expected a JWKS of private keys as JSON');
  }
  const keys = parsed.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error('expected a JWKS with keys');
  for (const key of keys)
    if (typeof key.d !== 'string' || !key.kid || key.alg !== 'ES256')
      throw new Error('every key: a private ES256 JWK with its kid');
  return keys;
});

const secretList = makeValidator<string[]>((input) => {
  const secrets = input
    .split(',')
    .map((secret) => secret.trim())
    .filter(Boolean);
  if (secrets.length === 0 || secrets.some((secret) => secret.length < 32))
    throw new Error('one or more secrets of 32 characters or more, comma-separated');
  return secrets;
});

export const identityProviderEnv = {
  ...coreEnv,
  ...httpPort(3005),
  ...redisEnv,
  IDP_ISSUER: url({
    devDefault: 'http://127.0.0.1:3005/oidc',
    desc: 'The issuer identifier: the public URL of the provider, ending in /oidc',
  }),
  IDP_SIGNING_JWKS: privateKeySet({ desc: 'Private ES256 JWKS signing the access tokens' }),
  IDP_MACHINE_TOKEN_TTL_SECONDS: num({
    default: 60,
    desc: "Lifetime of a machine's access token: a revoked client is out within it",
  }),
  IDP_PERSON_TOKEN_TTL_SECONDS: num({
    default: 300,
    desc: "Lifetime of a person's access token; the web client refreshes it",
  }),
  IDP_SECURE_COOKIES: bool({
    default: true,
    devDefault: false,
    desc: 'Cookies of the sign-in over HTTPS only; off only for the local platform on plain http',
  }),
  IDP_COOKIE_KEYS: secretList({
    devDefault: ['sne-local-identity-provider-cookie-key-not-for-production'],
    desc: "Keys signing the provider's cookies (32+ characters, comma-separated; the first signs)",
  }),
  IDP_KEY_PREFIX: str({ default: 'sne:idp:', desc: 'Prefix of the Redis keys of the provider' }),
  IDP_REGISTRATION_TOKEN: str({
    default: '',
    desc: "Initial access token of client registration (RFC 7591), held by the dispatcher to register each guichet's machine client; empty: registration closed",
  }),
};

export type IdentityProviderConfig = Readonly<CleanedEnv<typeof identityProviderEnv>>;

export function loadIdentityProviderConfig(
  env?: Record<string, string | undefined>,
): IdentityProviderConfig {
  return loadConfig(APP_NAME, identityProviderEnv, env);
}
