import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { OperatorRole, Principal } from './principal';

export const ROLES_KEY = 'sne:roles';
export const OWN_GUICHET_KEY = 'sne:own-guichet';

/** Operators with one of these roles may call. */
export const Roles = (...roles: OperatorRole[]) => SetMetadata(ROLES_KEY, roles);

/** The guichet named by this route parameter may call too (its own feed, for instance). */
export const OwnGuichet = (parameter = 'code') => SetMetadata(OWN_GUICHET_KEY, parameter);

export interface AuthenticatedRequest {
  principal?: Principal;
}

/** The authenticated caller (set by AuthGuard). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) throw new Error('CurrentPrincipal used on a public route');
    return principal;
  },
);
