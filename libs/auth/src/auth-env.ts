import { makeValidator } from 'envalid';

const secretList = makeValidator<string[]>((input) => {
  const secrets = input
    .split(',')
    .map((secret) => secret.trim())
    .filter(Boolean);
  if (secrets.length === 0) throw new Error('at least one secret');
  if (secrets.some((secret) => secret.length < 32))
    throw new Error('secrets of 32 characters or more');
  return secrets;
});

/** The local platform's secret (`bin/sne up`); never set in production, where the variable is required. */
export const DEV_AUTH_TOKEN_SECRET = 'sne-local-development-token-secret-not-for-production';

/** The secrets of the platform's bearer tokens, shared by every app that checks or issues them. */
export const authEnv = {
  AUTH_TOKEN_SECRETS: secretList({
    devDefault: [DEV_AUTH_TOKEN_SECRET],
    desc: 'Comma-separated HMAC secrets of bearer tokens (32+ characters each); the first signs',
  }),
};
