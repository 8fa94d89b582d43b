import { coreEnv, httpPort, kafkaEnv, loadConfig, redisEnv } from '@sne/platform';
import type { CleanedEnv } from 'envalid';
import { bool, makeValidator, num, str, url } from 'envalid';

const secretList = makeValidator<string[]>((input) => {
  const secrets = input
    .split(',')
    .map((secret) => secret.trim())
    .filter(Boolean);
  if (secrets.length === 0 || secrets.some((secret) => secret.length < 32))
    throw new Error('one or more secrets of 32 characters or more, comma-separated');
  return secrets;
});

export const APP_NAME = 'console';

export const consoleEnv = {
  ...coreEnv,
  ...httpPort(3000),
  ...kafkaEnv,
  ...redisEnv,
  REGISTRATION_URL: url({ default: 'http://127.0.0.1:3001' }),
  DISPATCHING_URL: url({ default: 'http://127.0.0.1:3002' }),
  RENEWAL_NOTICES_URL: url({ default: 'http://127.0.0.1:3003' }),
  DOCUMENT_INGESTION_URL: url({ default: 'http://127.0.0.1:3004' }),
  CONSOLE_PUBLIC_URL: url({
    devDefault: 'http://127.0.0.1:3000',
    desc: 'The address browsers reach the console at (the sign-in callback comes back there)',
  }),
  CONSOLE_OIDC_ISSUER: url({
    devDefault: 'http://127.0.0.1:3005/oidc',
    desc: 'The OpenID provider people sign in at (the platform identity provider)',
  }),
  CONSOLE_OIDC_CLIENT_ID: str({ default: 'sne-console', desc: "The console's client id there" }),
  CONSOLE_OIDC_CLIENT_SECRET: str({ desc: "The console's client secret at the provider" }),
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
