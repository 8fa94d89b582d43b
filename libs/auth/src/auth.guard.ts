import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, PUBLIC_ROUTE, UnauthenticatedError } from '@sne/platform';
import {
  APPLICANT_ROUTE_KEY,
  type AuthenticatedRequest,
  OWN_GUICHET_KEY,
  READS_ONLY_KEY,
  ROLES_KEY,
} from './auth.decorators';
import { hasRole, isReadOnly, type OperatorRole } from './principal';
import { AccessTokenVerifier } from './access-token';

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Every route needs a valid bearer token unless it is `@Public()`. Where a route names roles
 * (`@Roles`) or its own guichet (`@OwnGuichet`), the caller must match one of them. Applicants
 * (portal tokens) pass on `@ApplicantRoute()` routes only, and only they pass there.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context
      .switchToHttp()
      .getRequest<
        AuthenticatedRequest & { headers: Record<string, unknown>; params: Record<string, string> }
      >();
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? /^Bearer (\S+)$/i.exec(header)?.[1] : undefined;
    if (!token) throw new UnauthenticatedError('a bearer token is required');
    // Real time, not the app's Clock: a token's validity is about the world's clocks.
    const checked = await this.verifier.verify(token, new Date());
    if (!checked.ok) throw new UnauthenticatedError(`invalid token: ${checked.reason}`);
    const applicantRoute =
      this.reflector.getAllAndOverride<boolean>(APPLICANT_ROUTE_KEY, targets) === true;
    if (checked.principal.kind === 'applicant') {
      if (!applicantRoute) throw new ForbiddenError('applicants use the portal routes');
      request.applicant = checked.principal;
      return true;
    }
    if (applicantRoute) throw new ForbiddenError('a route of the portal, for applicants');
    request.principal = checked.principal;
    // Before any input is looked at: a consultant is told no, not that the body is wrong.
    if (
      isReadOnly(checked.principal) &&
      !READ_METHODS.has((request as { method?: string }).method ?? '') &&
      this.reflector.getAllAndOverride<boolean>(READS_ONLY_KEY, targets) !== true
    )
      throw new ForbiddenError('consultants read, they change nothing');

    const roles = this.reflector.getAllAndOverride<OperatorRole[] | undefined>(ROLES_KEY, targets);
    const ownGuichet = this.reflector.getAllAndOverride<string | undefined>(
      OWN_GUICHET_KEY,
      targets,
    );
    if (!roles && !ownGuichet) return true;
    if (roles && hasRole(checked.principal, roles)) return true;
    if (
      ownGuichet &&
      checked.principal.kind === 'guichet' &&
      checked.principal.id === request.params[ownGuichet]
    )
      return true;
    throw new ForbiddenError('not allowed for this caller', {
      ...(roles ? { roles } : {}),
      ...(ownGuichet ? { guichet: request.params[ownGuichet] } : {}),
    });
  }
}
