import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '@sne/audit';
import { CurrentPrincipal, type Principal, principalLabel, Roles } from '@sne/auth';
import { territoryDepartments } from '@sne/matching';
import { guichetCodeOf } from '@sne/platform';
import type { Guichet } from '../guichets/guichet';
import { GUICHET_MANAGERS } from '../guichets/guichets.controller';
import { GuichetsService } from '../guichets/guichets.service';
import { GuichetScopeGuard } from '../guichets/guichet-scope.guard';
import { GuichetRetirement } from './guichet-retirement.service';

@ApiTags('guichets')
@ApiBearerAuth()
@Roles(...GUICHET_MANAGERS)
@UseGuards(GuichetScopeGuard)
@Controller('guichets/:code')
export class GuichetRetirementController {
  constructor(
    private readonly guichets: GuichetsService,
    private readonly retirement: GuichetRetirement,
    private readonly audit: AuditLog,
  ) {}

  @Post('retire')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Retire a guichet: it receives nothing more, its Kafka credentials and machine client are revoked; its history stays',
  })
  async retire(
    @CurrentPrincipal() principal: Principal,
    @Param('code') code: string,
  ): Promise<Guichet> {
    const guichet = await this.guichets.get(guichetCodeOf(code));
    await this.audit.record({
      principal,
      action: 'retire-guichet',
      guichet: guichet.code,
      departments: territoryDepartments(guichet.territory) ?? [],
      at: new Date(),
    });
    return this.retirement.retire(guichet.code, principalLabel(principal));
  }
}
