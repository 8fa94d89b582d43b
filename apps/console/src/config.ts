import { authEnv } from '@sne/auth';
import type { JWK } from 'jose';
import { coreEnv, httpPort, kafkaEnv, loadConfig, redisEnv } from '@sne/platform';
import type { CleanedEnv } from 'envalid';
import { bool, makeValidator, num, url } from 'envalid';

const secretList = makeValidator<string[]>((input) => {
  const secrets = input
    .split(',')
    .map((secret) => secret.trim())
    .filter(Boolean);
  if (secrets.length === 0 || secrets.some((secret) => secret.length < 32))
    throw new Error('one or more secrets of 32 characters or more, comma-separated');
  return secrets;
});

/** A private signing key as a JWK, with the `kid` and `alg` its public half is published under. */
const privateJwk = makeValidator<JWK>((input) => {
  let key: JWK;
  try {
    key = JSON.parse(input) as JWK;
  } catch {
    throw new Error('expected a private JWK as JSON');
  }
  if (typeof key.d !== 'string' || !key.kid || !key.alg || key.alg.startsWith('HS'))
    throw new Error('expected a private asymmetric JWK with kid and alg');
  return key;
});

export const APP_NAME = 'console';

export const consoleEnv = {
  ...coreEnv,
  ...authEnv,
  ...httpPort(3000),
  ...kafkaEnv,
  ...redisEnv,
  REGISTRATION_URL: url({ default: 'http://127.0.0.1:3001' }),
  DISPATCHING_URL: url({ default: 'http://127.0.0.1:3002' }),
  RENEWAL_NOTICES_URL: url({ default: 'http://127.0.0.1:3003' }),
  DOCUMENT_INGESTION_URL: url({ default: 'http://127.0.0.1:3004' }),
  CONSOLE_SIGNING_JWK: privateJwk({
    desc: 'The private key signing the access tokens of its calls to the APIs (docs/security.md)',
  }),
  CONSOLE_SESSION_SECRETS: secretList({
    devDefault: ['sne-local-console-session-secret-not-for-production'],
    desc: 'Comma-separated secrets signing the session cookie (32+ characters); the first signs',
  }),
  CONSOLE_SECURE_COOKIE: bool({
    default: true,
    devDefault: false,
    desc: 'Session cookie over HTTPS only; off only for the local platform on plain http',
  }),
  CONSOLE_SESSION_MAX_AGE_SECONDS: num({ default: 8 * 3_600, desc: 'Idle lifetime of a session' }),
};

export type ConsoleConfig = Readonly<CleanedEnv<typeof consoleEnv>>;

export function loadConsoleConfig(env?: Record<string, string | undefined>): ConsoleConfig {
  return loadConfig(APP_NAME, consoleEnv, env);
}
