/** Who calls: an operator of the register, or a guichet's software. */
export const OPERATOR_ROLES = [
  'national-admin',
  'territorial-manager',
  'consultant-simple',
  'consultant-demande',
  'consultant-sensible',
] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** INSEE department codes the principal acts in, or every department. */
export type Territory = readonly string[] | 'all';

export interface OperatorPrincipal {
  readonly kind: 'operator';
  readonly id: string;
  readonly roles: readonly OperatorRole[];
  readonly territory: Territory;
}

export interface GuichetPrincipal {
  readonly kind: 'guichet';
  /** The guichet's code, also its id. */
  readonly id: string;
  readonly guichetType: string;
  readonly territory: Territory;
  /** A landlord's SIREN: its attributions are counted against it. */
  readonly siren?: string;
}

export type Principal = OperatorPrincipal | GuichetPrincipal;

/**
 * An applicant signed in on the public portal (the portal's sign-in issues the token). Kept out of
 * `Principal`: an applicant is accepted only on routes marked `@ApplicantRoute()`, and acts only
 * on the demands carrying the email address the portal verified.
 */
export interface ApplicantPrincipal {
  readonly kind: 'applicant';
  /** The portal account's id. */
  readonly id: string;
  /** Verified by the portal, lower case. */
  readonly email: string;
}

/** Whoever a valid token names. */
export type Caller = Principal | ApplicantPrincipal;

export function hasRole(principal: Principal, roles: readonly OperatorRole[]): boolean {
  return principal.kind === 'operator' && principal.roles.some((role) => roles.includes(role));
}

/** Consultants read, and only read: a profile made of consultant roles alone. */
export function isReadOnly(principal: Principal): boolean {
  return (
    principal.kind === 'operator' && principal.roles.every((role) => role.startsWith('consultant-'))
  );
}

export function coversDepartment(territory: Territory, department: string): boolean {
  return territory === 'all' || territory.includes(department);
}

/** How the principal is named in audit logs and change histories. */
export const principalLabel = (principal: Caller): string => `${principal.kind}:${principal.id}`;
