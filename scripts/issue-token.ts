/**
 * An access token of the local platform (`bin/sne up`).
 *
 *   npm run token -- guichet <code> [--api A]
 *     through the local identity provider, by the client credentials `bin/sne up` registered for
 *     the sample guichet (or `npm run idp:clients -- register guichet …`): one API (dispatching
 *     unless --api names another), a minute of life, as the guichet's software gets it.
 *   npm run token -- operator <id> <role>[,<role>...] <department>[,...]|all [--minutes N] [--api A]
 *     signed with the run directory's key, every API unless --api names one, until people sign in
 *     through the provider.
 */
import { importJWK } from 'jose';
import {
  apiAudience,
  OPERATOR_ROLES,
  type OperatorRole,
  type OperatorPrincipal,
  signAccessToken,
} from '@sne/auth';
import { GUICHET_CODE } from '@sne/contracts';
import { knownSecrets } from './idp-clients';
import { LOCAL_ISSUER, localSigningKey } from './local-signing-key';

const APIS = [
  'registration',
  'dispatching',
  'renewal-notices',
  'document-ingestion',
  'audit-trail',
];

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const minutes = Number(option(args, '--minutes') ?? 15);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 15)
    fail('--minutes: between 1 and 15 (the APIs refuse longer-lived tokens)');
  const api = option(args, '--api');
  if (api !== undefined && !APIS.includes(api)) fail(`--api: one of ${APIS.join(', ')}`);
  const [kind, id, third, fourth] = args;
  if (kind === 'guichet' && id && !third) return guichetToken(id, api ?? 'dispatching');
  const territoryOf = (text: string | undefined) =>
    text === 'all' ? ('all' as const) : (text ?? '').split(',').map((part) => part.trim());

  let principal: OperatorPrincipal;
  if (kind === 'operator' && id && third && fourth) {
    const roles = third.split(',');
    const unknown = roles.filter((role) => !(OPERATOR_ROLES as readonly string[]).includes(role));
    if (unknown.length > 0)
      fail(`unknown roles: ${unknown.join(', ')} (${OPERATOR_ROLES.join(', ')})`);
    principal = { kind, id, roles: roles as OperatorRole[], territory: territoryOf(fourth) };
  } else {
    fail('usage: issue-token operator <id> <roles> <departments|all> | guichet <code>');
  }
  const privateJwk = localSigningKey();
  process.stdout.write(
    `${await signAccessToken(principal, {
      issuer: LOCAL_ISSUER,
      privateJwk,
      key: await importJWK(privateJwk),
      clientId: 'sne-dev-script',
      audience: api ? apiAudience(api) : APIS.map(apiAudience),
      now: new Date(),
      ttlSeconds: minutes * 60,
    })}\n`,
  );
}

async function guichetToken(code: string, api: string): Promise<void> {
  if (!GUICHET_CODE.test(code)) fail('a guichet code: 5 characters, 0-9 A-Z');
  const secret = knownSecrets()[code];
  if (!secret) fail(`no client known for ${code}: npm run idp:clients -- register guichet …`);
  const response = await fetch(`${LOCAL_ISSUER}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${code}:${secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: apiAudience(api) }),
  });
  const answer = (await response.json()) as { access_token?: string; error?: string };
  if (!answer.access_token) fail(`the identity provider refused: ${JSON.stringify(answer)}`);
  process.stdout.write(`${answer.access_token}\n`);
}

void main();
