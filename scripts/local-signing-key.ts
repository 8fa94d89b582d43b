/**
 * The local platform's token signing key (`bin/sne up`): made once per run directory, kept in
 * `$SNE_RUN_DIR/auth/signing-key.json` (owner-only), never a key known in advance. The local
 * identity provider signs with it and publishes its public half; the console and `npm run token`
 * for operators sign with it too, until people sign in through the provider. Production has no
 * such file: its provider's keys come from its secret store (docs/security.md).
 *
 *   node dist/scripts/local-signing-key.js jwks|private|private-jwks
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { JWK } from 'jose';

/** The local identity provider's issuer (deploy/local/apps.sh), the APIs' AUTH_ISSUER there. */
export const LOCAL_ISSUER = `http://${process.env.SNE_HOST ?? '127.0.0.1'}:${process.env.SNE_IDENTITY_PROVIDER_PORT ?? '3005'}/oidc`;

// bin/sne and npm run both start from the project's root, where .run is by default.
const keyFile = () =>
  join(process.env.SNE_RUN_DIR ?? join(process.cwd(), '.run'), 'auth', 'signing-key.json');

export function localSigningKey(): JWK {
  const file = keyFile();
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'ES256' };
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as JWK;
}

export function localJwks(): { keys: JWK[] } {
  const { d: _private, ...publicKey } = localSigningKey();
  return { keys: [{ ...publicKey, use: 'sig' }] };
}

if (require.main === module) {
  const what = process.argv[2];
  if (what === 'jwks') process.stdout.write(JSON.stringify(localJwks()));
  else if (what === 'private') process.stdout.write(JSON.stringify(localSigningKey()));
  else if (what === 'private-jwks')
    process.stdout.write(JSON.stringify({ keys: [localSigningKey()] }));
  else {
    process.stderr.write('usage: local-signing-key jwks|private|private-jwks\n');
    process.exit(2);
  }
}
