import { AuditLog } from '@sne/audit';
import { CurrentPrincipal, OwnGuichet, type Principal, Roles } from '@sne/auth';
import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Clock, guichetCodeOf } from '@sne/platform';
import { GUICHET_MANAGERS } from '../guichets/guichets.controller';
import { GuichetScopeGuard } from '../guichets/guichet-scope.guard';
import { type Explanation, ExplainService } from './explain.service';

@ApiTags('guichets')
@ApiBearerAuth()
@Roles(...GUICHET_MANAGERS)
@UseGuards(GuichetScopeGuard)
@Controller('guichets')
export class ExplainController {
  constructor(
    private readonly explanations: ExplainService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  @Post(':code/explain')
  @OwnGuichet()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Why this guichet would (not) receive an event, predicate by predicate',
  })
  async explain(
    @Param('code') code: string,
    @Body() event: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Explanation> {
    const { subject, explanation } = await this.explanations.explain(guichetCodeOf(code), event);
    // Within the territory the answer shows the demand's stored values, predicate by predicate.
    if (explanation.withinTerritory)
      await this.audit.record({
        principal,
        action: 'explain',
        channel: 'api',
        numeroUnique: subject,
        guichet: guichetCodeOf(code),
        at: this.clock.now(),
      });
    return explanation;
  }
}
