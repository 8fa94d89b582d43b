import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { ApplicantPrincipal, OperatorRole, Principal } from './principal';

export const ROLES_KEY = 'sne:roles';
export const OWN_GUICHET_KEY = 'sne:own-guichet';
export const APPLICANT_ROUTE_KEY = 'sne:applicant-route';
export const READS_ONLY_KEY = 'sne:reads-only';

/** Operators with one of these roles may call. */
export const Roles = (...roles: OperatorRole[]) => SetMetadata(ROLES_KEY, roles);

/** The guichet named by this route parameter may call too (its own feed, for instance). */
export const OwnGuichet = (parameter = 'code') => SetMetadata(OWN_GUICHET_KEY, parameter);

/** A route of the public portal: applicants only (every other route refuses them). */
export const ApplicantRoute = () => SetMetadata(APPLICANT_ROUTE_KEY, true);

/** A POST that changes nothing (a validation): read-only profiles may call it. */
export const ReadsOnly = () => SetMetadata(READS_ONLY_KEY, true);

export interface AuthenticatedRequest {
  principal?: Principal;
  applicant?: ApplicantPrincipal;
}

/** The authenticated caller (set by AuthGuard). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) throw new Error('CurrentPrincipal used on a public route');
    return principal;
  },
);

/** The applicant signed in on the portal (set by AuthGuard on `@ApplicantRoute()` routes). */
export const CurrentApplicant = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ApplicantPrincipal => {
    const applicant = context.switchToHttp().getRequest<AuthenticatedRequest>().applicant;
    if (!applicant) throw new Error('CurrentApplicant used outside an applicant route');
    return applicant;
  },
);
