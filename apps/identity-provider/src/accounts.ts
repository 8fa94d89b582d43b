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
  /**
   * How the person is known at ProConnect, when they sign in through it: their professional
   * e-mail and the SIRETs of the establishments they act for. ProConnect advises against `sub`,
   * which differs per identity provider.
   */
  readonly proconnect?: { readonly email: string; readonly sirets: readonly string[] };
}

/** Who ProConnect says signed in: its ID token and userinfo, checked. */
export interface AgentIdentity {
  readonly email: string;
  readonly siret: string;
  readonly sub: string;
  readonly idpId: string;
  /** `given_name usual_name`, when ProConnect gave them: the account's name follows it. */
  readonly name?: string;
}

const LOGIN = /^[a-z0-9][a-z0-9._@-]{1,63}$/;
const EMAIL = /^[a-z0-9._%+-]{1,64}@[a-z0-9.-]{1,253}\.[a-z]{2,}$/;
const SIRET = /^[0-9]{14}$/;

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
  const proconnect = value.proconnect as { email?: unknown; sirets?: unknown } | undefined;
  if (proconnect !== undefined) {
    if (typeof proconnect?.email !== 'string' || !EMAIL.test(proconnect.email))
      problems.push('proconnect.email: a professional e-mail address, lower case');
    const sirets = proconnect?.sirets;
    if (
      !Array.isArray(sirets) ||
      sirets.length === 0 ||
      !sirets.every((siret) => typeof siret === 'string' && SIRET.test(siret))
    )
      problems.push('proconnect.sirets: one or more SIRETs of 14 digits');
  }
  if (problems.length > 0) throw new ClientRegistrationError(problems);
  return {
    login: value.login as string,
    name: (value.name as string).trim(),
    roles: roles as OperatorRole[],
    territory: territory as Territory,
    ...(proconnect
      ? {
          proconnect: {
            email: proconnect.email as string,
            sirets: [...new Set(proconnect.sirets as string[])],
          },
        }
      : {}),
  };
}

/**
 * Whether the agent ProConnect signed in is this person of the register: the same e-mail, acting
 * for one of the person's establishments. An agent of another establishment with the same
 * address (a shared mailbox, a move) is not them.
 */
export const isAgent = (person: Person, agent: AgentIdentity): boolean =>
  person.proconnect !== undefined &&
  person.proconnect.email === agent.email.toLowerCase() &&
  person.proconnect.sirets.includes(agent.siret);

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
