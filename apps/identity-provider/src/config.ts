import {
  ConfigError,
  type ConfigIssue,
  coreEnv,
  httpPort,
  loadConfig,
  redisEnv,
} from '@sne/platform';
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
  IDP_PROCONNECT_ISSUER: str({
    default: '',
    desc: "ProConnect's issuer (https://<domain>/api/v2) to sign agents in through it; empty: no federation (the local platform)",
  }),
  IDP_PROCONNECT_CLIENT_ID: str({ default: '', desc: 'The client_id ProConnect gave' }),
  IDP_PROCONNECT_CLIENT_SECRET: str({ default: '', desc: 'The client_secret ProConnect gave' }),
  IDP_PROCONNECT_SCOPES: str({
    default: 'openid email given_name usual_name uid siret idp_id',
    desc: 'Scopes asked of ProConnect: only what the mapping to accounts needs',
  }),
  IDP_PROCONNECT_ACR: str({
    default: '',
    desc: 'The assurance level (acr) required of ProConnect; empty: its default (eidas1)',
  }),
  IDP_PASSWORD_SIGN_IN: bool({
    default: true,
    desc: 'The password form of the sign-in page; off in production once ProConnect signs agents in',
  }),
  IDP_REGISTRATION_TOKEN: str({
    default: '',
    desc: "Initial access token of client registration (RFC 7591), held by the dispatcher to register each guichet's machine client; empty: registration closed",
  }),
};

export type IdentityProviderConfig = Readonly<CleanedEnv<typeof identityProviderEnv>>;

export function loadIdentityProviderConfig(
  env?: Record<string, string | undefined>,
): IdentityProviderConfig {
  const config = loadConfig(APP_NAME, identityProviderEnv, env);
  const issues = proConnectIssues(config);
  if (issues.length > 0) throw new ConfigError(APP_NAME, issues);
  return config;
}

/** ProConnect over TLS (plain http only to a loopback stand-in), with its client, or nothing. */
function proConnectIssues(config: IdentityProviderConfig): ConfigIssue[] {
  const issue = (variable: string, problem: string) => ({ variable, problem });
  if (config.IDP_PROCONNECT_ISSUER === '')
    return config.IDP_PASSWORD_SIGN_IN
      ? []
      : [issue('IDP_PASSWORD_SIGN_IN', 'false needs IDP_PROCONNECT_ISSUER: nobody could sign in')];
  const issues: ConfigIssue[] = [];
  let issuer: URL | undefined;
  try {
    issuer = new URL(config.IDP_PROCONNECT_ISSUER);
  } catch {
    issues.push(issue('IDP_PROCONNECT_ISSUER', 'a URL'));
  }
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(issuer?.hostname ?? '');
  if (issuer && issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && loopback))
    issues.push(issue('IDP_PROCONNECT_ISSUER', 'https (plain http only to a loopback stand-in)'));
  if (!config.IDP_PROCONNECT_CLIENT_ID) issues.push(issue('IDP_PROCONNECT_CLIENT_ID', 'required'));
  if (!config.IDP_PROCONNECT_CLIENT_SECRET)
    issues.push(issue('IDP_PROCONNECT_CLIENT_SECRET', 'required'));
  if (!config.IDP_PROCONNECT_SCOPES.split(' ').includes('openid'))
    issues.push(issue('IDP_PROCONNECT_SCOPES', 'openid is required'));
  return issues;
}
