import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { AuthenticatedRequest, Principal } from '@sne/auth';
import { GUICHET_CODE } from '@sne/contracts';
import { territoryDepartments } from '@sne/matching';
import { ForbiddenError } from '@sne/platform';
import type { Guichet } from './guichet';
import { GuichetRepository } from './guichet.repository';

/**
 * Whether an operator's territory covers a guichet's: every department of the guichet. A national
 * guichet is steered from the national level only; anyone but an operator manages none.
 */
export function managesGuichet(principal: Principal, guichet: Pick<Guichet, 'territory'>): boolean {
  if (principal.kind !== 'operator') return false;
  if (principal.territory === 'all') return true;
  const departments = territoryDepartments(guichet.territory);
  if (!departments) return false;
  const own = principal.territory;
  return departments.every((department) => own.includes(department));
}

/**
 * On routes about one guichet (`:code`), an operator of a territory acts only on the guichets of
 * that territory (a territorial manager of Moselle does not steer Paris's guichets). A guichet's
 * own token is checked by `@OwnGuichet`; an unknown code is left to the handler's 404.
 */
@Injectable()
export class GuichetScopeGuard implements CanActivate {
  constructor(private readonly guichets: GuichetRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context
      .switchToHttp()
      .getRequest<AuthenticatedRequest & { params: Record<string, string> }>();
    const principal = request.principal;
    const code = request.params.code;
    if (!principal || !code || principal.kind !== 'operator' || principal.territory === 'all')
      return true;
    const guichet = GUICHET_CODE.test(code) ? await this.guichets.find(code) : undefined;
    if (guichet && !managesGuichet(principal, guichet))
      throw new ForbiddenError(`guichet ${code} is outside your territory`);
    return true;
  }
}
