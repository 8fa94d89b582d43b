import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { DEPARTMENT_CODE } from '@sne/contracts';
import { OPERATOR_ROLES, type OperatorRole, type Territory } from '@sne/auth';
import { ClientRegistrationError } from './machine-clients';

/** A person who signs in at the provider: an agent of the register with roles and a territory. */
export interface Person {
  readonly login: string;
  readonly name: string;
  readonly roles: readonly OperatorRole[];
  readonly territory: Territory;
}

const LOGIN = /^[a-z0-9][a-z0-9._@-]{1,63}$/;

export function parsePerson(input: unknown): Person {
  const value = (input ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof value.login !== 'string' || !LOGIN.test(value.login))
    problems.push('login: 2-64 lower-case letters, digits, . _ @ -');
  if (typeof value.name !== 'string' || value.name.trim().length === 0 || value.name.length > 120)
    problems.push('name: 1-120 characters');
  const roles = value.roles;
  if (
    !Array.isArray(roles) ||
    roles.length === 0 ||
    !roles.every((role) => (OPERATOR_ROLES as readonly unknown[]).includes(role))
  )
    problems.push(`roles: one or more of ${OPERATOR_ROLES.join(', ')}`);
  const territory = value.territory;
  if (
    territory !== 'all' &&
    !(
      Array.isArray(territory) &&
      territory.length > 0 &&
      territory.every((item) => typeof item === 'string' && DEPARTMENT_CODE.test(item))
    )
  )
    problems.push("territory: 'all' or a non-empty list of department codes");
  if (problems.length > 0) throw new ClientRegistrationError(problems);
  return {
    login: value.login as string,
    name: (value.name as string).trim(),
    roles: roles as OperatorRole[],
    territory: territory as Territory,
  };
}

/** The register's claims of a signed-in person's access tokens. */
export const claimsOfPerson = (person: Person): Record<string, unknown> => ({
  sne_kind: 'operator',
  sne_roles: person.roles,
  sne_territory: person.territory,
});

const derive = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  length: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** `scrypt$N$r$p$salt$hash`: the parameters travel with the hash, so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, 32, SCRYPT);
  return [
    'scrypt',
    SCRYPT.N,
    SCRYPT.r,
    SCRYPT.p,
    salt.toString('base64url'),
    hash.toString('base64url'),
  ].join('$');
}

export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const given = await derive(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(N),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return timingSafeEqual(given, expected);
}
