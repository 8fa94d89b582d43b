/**
 * The machine clients of the local identity provider (client credentials), in its Redis.
 *
 *   npm run idp:clients -- list
 *   npm run idp:clients -- register guichet <code> <type> <department>[,...]
 *   npm run idp:clients -- register operator sne-<service> <role>[,...] <department>[,...]|all
 *   npm run idp:clients -- revoke <client id>
 *
 * A secret is printed once and kept for the dev scripts in `$SNE_RUN_DIR/auth/clients.json`
 * (owner-only); the provider keeps it for checking. Production registers its clients the same
 * way from its own tooling, private-key JWT preferred (docs/security.md).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { ClientStore } from '../apps/identity-provider/src/client-store';
import {
  ClientRegistrationError,
  parseMachineClient,
} from '../apps/identity-provider/src/machine-clients';

const secretsFile = () =>
  join(process.env.SNE_RUN_DIR ?? join(process.cwd(), '.run'), 'auth', 'clients.json');

export function knownSecrets(): Record<string, string> {
  const file = secretsFile();
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
}

function keepSecret(clientId: string, secret: string | undefined): void {
  const secrets = knownSecrets();
  if (secret) secrets[clientId] = secret;
  else delete secrets[clientId];
  const file = secretsFile();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
}

export async function withClientStore<T>(use: (store: ClientStore) => Promise<T>): Promise<T> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    maxRetriesPerRequest: 3,
  });
  try {
    return await use(new ClientStore(redis, process.env.IDP_KEY_PREFIX ?? 'sne:idp:'));
  } finally {
    redis.disconnect();
  }
}

/** Registers a client unless it is there with a secret the dev scripts know; gives its secret. */
export async function ensureSecretClient(input: unknown): Promise<string> {
  const client = parseMachineClient(input);
  return withClientStore(async (store) => {
    const known = knownSecrets()[client.clientId];
    if (known && (await store.find(client.clientId))) return known;
    const { secret } = await store.register(client, 'secret');
    keepSecret(client.clientId, secret);
    return secret as string;
  });
}

const list = (text: string) =>
  text === 'all' ? 'all' : text.split(',').map((item) => item.trim());

async function main(): Promise<void> {
  const [action, kind, id, third, fourth] = process.argv.slice(2);
  if (action === 'list') {
    const clients = await withClientStore((store) => store.list());
    for (const client of clients) process.stdout.write(`${JSON.stringify(client)}\n`);
  } else if (action === 'revoke' && kind) {
    const revoked = await withClientStore((store) => store.revoke(kind));
    keepSecret(kind, undefined);
    process.stdout.write(revoked ? `revoked ${kind}\n` : `no client ${kind}\n`);
  } else if (action === 'register' && kind && id && third && fourth) {
    const input =
      kind === 'guichet'
        ? { kind, clientId: id, guichetType: third, territory: list(fourth) }
        : { kind, clientId: id, roles: third.split(','), territory: list(fourth) };
    const client = parseMachineClient(input);
    const { secret } = await withClientStore((store) => store.register(client, 'secret'));
    keepSecret(client.clientId, secret);
    process.stdout.write(`${client.clientId} ${secret}\n`);
  } else {
    process.stderr.write('usage: idp-clients list | register guichet|operator … | revoke <id>\n');
    process.exit(2);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof ClientRegistrationError ? error.problems.join('\n') : String(error)}\n`,
    );
    process.exit(1);
  });
}
