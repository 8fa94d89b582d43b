/**
 * Issues an access token of the local platform (`bin/sne up`) for an operator or a guichet,
 * signed with its key (scripts/local-signing-key.ts), for every API unless --api names one.
 *
 *   npm run token -- operator <id> <role>[,<role>...] <department>[,...]|all [--minutes N] [--api A]
 *   npm run token -- guichet <code> <type> <department>[,...] [--minutes N] [--api A]
 */
import { importJWK } from 'jose';
import {
  apiAudience,
  OPERATOR_ROLES,
  type OperatorRole,
  type Principal,
  signAccessToken,
} from '@sne/auth';
import { GUICHET_CODE } from '@sne/contracts';
import { LOCAL_ISSUER, localSigningKey } from './local-signing-key';

const APIS = ['registration', 'dispatching', 'renewal-notices', 'document-ingestion'];

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
  const territoryOf = (text: string | undefined) =>
    text === 'all' ? ('all' as const) : (text ?? '').split(',').map((part) => part.trim());

  let principal: Principal;
  if (kind === 'operator' && id && third && fourth) {
    const roles = third.split(',');
    const unknown = roles.filter((role) => !(OPERATOR_ROLES as readonly string[]).includes(role));
    if (unknown.length > 0)
      fail(`unknown roles: ${unknown.join(', ')} (${OPERATOR_ROLES.join(', ')})`);
    principal = { kind, id, roles: roles as OperatorRole[], territory: territoryOf(fourth) };
  } else if (kind === 'guichet' && id && GUICHET_CODE.test(id) && third && fourth) {
    principal = { kind, id, guichetType: third, territory: territoryOf(fourth) };
  } else {
    fail(
      'usage: issue-token operator <id> <roles> <departments|all> | guichet <code> <type> <departments>',
    );
  }
  const privateJwk = localSigningKey();
  process.stdout.write(
    `${await signAccessToken(principal, {
      issuer: LOCAL_ISSUER,
      privateJwk,
      key: await importJWK(privateJwk),
      clientId: principal.kind === 'guichet' ? principal.id : 'sne-dev-script',
      audience: api ? apiAudience(api) : APIS.map(apiAudience),
      now: new Date(),
      ttlSeconds: minutes * 60,
    })}\n`,
  );
}

void main();
