/**
 * The machine clients of the local identity provider (client credentials), in its Redis.
 *
 *   npm run idp:clients -- list
 *   npm run idp:clients -- register guichet <code> <type> <department>[,...]
 *   npm run idp:clients -- register operator sne-<service> <role>[,...] <department>[,...]|all
 *   npm run idp:clients -- revoke <client id>
 *   npm run idp:clients -- ensure-web-client <console's public URL>   (prints its secret)
 *   npm run idp:clients -- ensure-sample-people                        (bin/sne up)
 *   npm run idp:clients -- add-agent <login> <role>[,...] <department>[,...]|all <e-mail> <siret>[,...] [name]
 *   npm run idp:clients -- remove-person <login>
 *
 * An agent signs in through ProConnect (no password): their professional e-mail and the SIRETs
 * of their establishments are what ProConnect's identity is matched on (docs/runbooks/proconnect.md).
 *
 * A secret is printed once and kept for the dev scripts in `$SNE_RUN_DIR/auth/clients.json`
 * (owner-only); the provider keeps it for checking. Production registers its clients the same
 * way from its own tooling, private-key JWT preferred (docs/security.md).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { AccountStore } from '../apps/identity-provider/src/account-store';
import { parsePerson } from '../apps/identity-provider/src/accounts';
import { ClientStore } from '../apps/identity-provider/src/client-store';
import {
  ClientRegistrationError,
  parseMachineClient,
} from '../apps/identity-provider/src/machine-clients';

const runFile = (name: string) =>
  join(process.env.SNE_RUN_DIR ?? join(process.cwd(), '.run'), 'auth', name);

function readSecrets(name: string): Record<string, string> {
  const file = runFile(name);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
}

function writeSecrets(name: string, secrets: Record<string, string>): void {
  const file = runFile(name);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
}

export const knownSecrets = () => readSecrets('clients.json');

function keepSecret(clientId: string, secret: string | undefined): void {
  const secrets = knownSecrets();
  if (secret) secrets[clientId] = secret;
  else delete secrets[clientId];
  writeSecrets('clients.json', secrets);
}

async function withRedis<T>(use: (redis: Redis, prefix: string) => Promise<T>): Promise<T> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    maxRetriesPerRequest: 3,
  });
  try {
    return await use(redis, process.env.IDP_KEY_PREFIX ?? 'sne:idp:');
  } finally {
    redis.disconnect();
  }
}

export const withClientStore = <T>(use: (store: ClientStore) => Promise<T>): Promise<T> =>
  withRedis((redis, prefix) => use(new ClientStore(redis, prefix)));

/** The console's client, registered again with a new secret unless the one known still holds. */
async function ensureWebClient(publicUrl: string): Promise<string> {
  return withClientStore(async (store) => {
    const clientId = 'sne-console';
    const known = knownSecrets()[clientId];
    const registered = await store.findRaw(clientId);
    const redirect = new URL('/auth/callback', publicUrl).href;
    if (
      known &&
      registered?.client_secret === known &&
      registered.redirect_uris?.includes(redirect)
    )
      return known;
    const { secret } = await store.registerWebClient({
      clientId,
      redirectUris: [redirect],
      postLogoutRedirectUris: [new URL('/', publicUrl).href],
    });
    keepSecret(clientId, secret);
    return secret;
  });
}

/** The sample people of the local platform, one per profile, their passwords in the run directory. */
const SAMPLE_PEOPLE = [
  {
    login: 'admin.national',
    name: 'Administratrice nationale',
    roles: ['national-admin'],
    territory: 'all',
  },
  {
    login: 'manager.grand-est',
    name: 'Gestionnaire Moselle et Meurthe-et-Moselle',
    roles: ['territorial-manager'],
    territory: ['057', '054'],
  },
  {
    login: 'consultant.simple',
    name: 'Consultant simple (Moselle)',
    roles: ['consultant-simple'],
    territory: ['057'],
  },
  {
    login: 'consultant.demande',
    name: 'Consultant demande (Moselle)',
    roles: ['consultant-demande'],
    territory: ['057'],
  },
  {
    login: 'consultant.sensible',
    name: 'Consultant sensible (Moselle)',
    roles: ['consultant-sensible'],
    territory: ['057'],
  },
  {
    login: 'observer',
    name: 'Observateur national (lecture seule)',
    roles: ['consultant-simple'],
    territory: 'all',
  },
];

async function ensureSamplePeople(): Promise<void> {
  const passwords = readSecrets('people.json');
  await withRedis(async (redis, prefix) => {
    const accounts = new AccountStore(redis, prefix);
    for (const sample of SAMPLE_PEOPLE) {
      const person = parsePerson(sample);
      const known = passwords[person.login];
      if (known && (await accounts.authenticate(person.login, known))) continue;
      passwords[person.login] = known ?? randomBytes(12).toString('base64url');
      await accounts.add(person, passwords[person.login]);
    }
  });
  writeSecrets('people.json', passwords);
  process.stdout.write(
    `sample people: ${SAMPLE_PEOPLE.map((person) => person.login).join(', ')} (passwords: ${runFile('people.json')})\n`,
  );
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
  const [action, kind, id, third, fourth, fifth, ...rest] = process.argv.slice(2);
  if (action === 'list') {
    const clients = await withClientStore((store) => store.list());
    for (const client of clients) process.stdout.write(`${JSON.stringify(client)}\n`);
  } else if (action === 'ensure-web-client' && kind) {
    process.stdout.write(await ensureWebClient(kind));
  } else if (action === 'ensure-sample-people') {
    await ensureSamplePeople();
  } else if (action === 'add-agent' && kind && id && third && fourth && fifth) {
    const person = parsePerson({
      login: kind,
      name: rest.join(' ') || kind,
      roles: id.split(','),
      territory: list(third),
      proconnect: { email: fourth, sirets: fifth.split(',') },
    });
    await withRedis((redis, prefix) => new AccountStore(redis, prefix).add(person));
    process.stdout.write(`agent ${person.login}: signs in through ProConnect as ${fourth}\n`);
  } else if (action === 'remove-person' && kind) {
    const removed = await withRedis((redis, prefix) =>
      new AccountStore(redis, prefix).remove(kind),
    );
    process.stdout.write(removed ? `removed ${kind}\n` : `no person ${kind}\n`);
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
    process.stderr.write(
      'usage: idp-clients list | register guichet|operator … | revoke <id> | add-agent … | remove-person <login>\n',
    );
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
