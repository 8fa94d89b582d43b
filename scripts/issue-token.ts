/**
 * Issues a bearer token for an operator or a guichet, signed with the first of AUTH_TOKEN_SECRETS
 * (the local platform's secret when unset).
 *
 *   npm run token -- operator <id> <role>[,<role>...] [<department>,...|all] [--days N]
 *   npm run token -- guichet <code> <type> <department>[,...] [--days N]
 */
import {
  DEV_AUTH_TOKEN_SECRET,
  issueToken,
  OPERATOR_ROLES,
  type OperatorRole,
  type Principal,
} from '@sne/auth';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const daysAt = args.indexOf('--days');
const days = daysAt >= 0 ? Number(args.splice(daysAt, 2)[1]) : 30;
if (!Number.isFinite(days) || days <= 0 || days > 400) fail('--days: between 1 and 400');
const [kind, id, third, fourth] = args;
const territoryOf = (text: string | undefined) =>
  !text || text === 'all'
    ? ('all' as const)
    : text.split(',').map((department) => department.trim());

let principal: Principal;
if (kind === 'operator' && id && third) {
  const roles = third.split(',');
  const unknown = roles.filter((role) => !(OPERATOR_ROLES as readonly string[]).includes(role));
  if (unknown.length > 0)
    fail(`unknown roles: ${unknown.join(', ')} (${OPERATOR_ROLES.join(', ')})`);
  principal = { kind, id, roles: roles as OperatorRole[], territory: territoryOf(fourth) };
} else if (kind === 'guichet' && id && /^[0-9A-Z]{5}$/.test(id) && third && fourth) {
  principal = { kind, id, guichetType: third, territory: territoryOf(fourth) };
} else {
  fail(
    'usage: issue-token operator <id> <roles> [departments] | guichet <code> <type> <departments>',
  );
}
const secret = (process.env.AUTH_TOKEN_SECRETS ?? DEV_AUTH_TOKEN_SECRET).split(',')[0].trim();
process.stdout.write(
  `${issueToken(principal, secret, { now: new Date(), ttlSeconds: days * 86_400 })}\n`,
);
