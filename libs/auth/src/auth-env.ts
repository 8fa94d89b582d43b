import { makeValidator, num, str } from 'envalid';
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet } from 'jose';
import { type AccessTokenSettings, apiAudience } from './access-token';

/** A JWKS of public keys: a private key among them is a configuration mistake, refused. */
const NO_KEYS: JSONWebKeySet = { keys: [] };

const publicKeySet = makeValidator<JSONWebKeySet>((input) => {
  if (input.trim() === '') return NO_KEYS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    throw new Error('expected a JWKS as JSON');
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error('expected a JWKS with keys');
  for (const key of keys as Record<string, unknown>[]) {
    if (typeof key?.kty !== 'string') throw new Error('every key needs a kty');
    if ('d' in key || 'k' in key) throw new Error('public keys only (no d, no symmetric k)');
  }
  return parsed as JSONWebKeySet;
});

const httpsOrLoopbackUrl = makeValidator<string>((input) => {
  if (input === '') return '';
  const parsed = new URL(input);
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback))
    throw new Error('expected an https URL (http only on loopback)');
  return input;
});

/** How every API verifies the access tokens of the identity provider (docs/security.md). */
export const authEnv = {
  AUTH_ISSUER: str({
    devDefault: 'urn:sne:local-development',
    desc: "The identity provider's issuer identifier (`iss` of every access token); a comma-separated list while moving from one provider to another, all signing with keys of the one JWKS",
  }),
  AUTH_JWKS_URI: httpsOrLoopbackUrl({
    default: '',
    desc: "The provider's JWKS endpoint (keys fetched, cached and refreshed on an unknown kid)",
  }),
  AUTH_JWKS: publicKeySet({
    default: NO_KEYS,
    desc: 'The public JWKS inline, as JSON (tests, and the local platform before its provider)',
  }),
  AUTH_MAX_TOKEN_LIFETIME_SECONDS: num({
    default: 900,
    desc: 'Access tokens living longer than this (exp - iat) are refused',
  }),
  AUTH_CLOCK_TOLERANCE_SECONDS: num({
    default: 30,
    desc: 'Clock skew allowed on exp, nbf and iat (at most 120 s)',
  }),
};

export interface AuthEnv {
  readonly NODE_ENV: string;
  readonly AUTH_ISSUER: string;
  readonly AUTH_JWKS_URI: string;
  readonly AUTH_JWKS: JSONWebKeySet;
  readonly AUTH_MAX_TOKEN_LIFETIME_SECONDS: number;
  readonly AUTH_CLOCK_TOLERANCE_SECONDS: number;
}

function issuersOf(text: string): string[] {
  const issuers = text
    .split(',')
    .map((issuer) => issuer.trim())
    .filter(Boolean);
  if (issuers.length === 0 || issuers.length > 4)
    throw new Error('AUTH_ISSUER: one to four issuers');
  return issuers;
}

/**
 * The verification settings of one app's API. With no key configured nothing verifies (deny by
 * default); production refuses to start that way.
 */
export function accessTokenSettingsFrom(env: AuthEnv, app: string): AccessTokenSettings {
  const inline = env.AUTH_JWKS.keys.length > 0;
  if (env.AUTH_JWKS_URI && inline) throw new Error('AUTH_JWKS_URI or AUTH_JWKS, not both');
  if (!env.AUTH_JWKS_URI && !inline && env.NODE_ENV === 'production')
    throw new Error('AUTH_JWKS_URI is required in production');
  if (env.AUTH_CLOCK_TOLERANCE_SECONDS < 0 || env.AUTH_CLOCK_TOLERANCE_SECONDS > 120)
    throw new Error('AUTH_CLOCK_TOLERANCE_SECONDS: between 0 and 120');
  if (env.AUTH_MAX_TOKEN_LIFETIME_SECONDS < 60 || env.AUTH_MAX_TOKEN_LIFETIME_SECONDS > 86_400)
    throw new Error('AUTH_MAX_TOKEN_LIFETIME_SECONDS: between 60 and 86400');
  const keys = env.AUTH_JWKS_URI
    ? createRemoteJWKSet(new URL(env.AUTH_JWKS_URI), {
        timeoutDuration: 5_000,
        cooldownDuration: 30_000,
        cacheMaxAge: 600_000,
      })
    : createLocalJWKSet(env.AUTH_JWKS);
  return {
    issuers: issuersOf(env.AUTH_ISSUER),
    audience: apiAudience(app),
    keys,
    maxLifetimeSeconds: env.AUTH_MAX_TOKEN_LIFETIME_SECONDS,
    clockToleranceSeconds: env.AUTH_CLOCK_TOLERANCE_SECONDS,
  };
}
