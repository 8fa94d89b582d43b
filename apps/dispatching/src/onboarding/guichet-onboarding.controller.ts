import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '@sne/audit';
import { CurrentPrincipal, type Principal, principalLabel, Roles } from '@sne/auth';
import { isNationalTerritory } from '@sne/matching';
import { ForbiddenError, JsonBodyPipe } from '@sne/platform';
import type { Guichet, NewGuichet } from '../guichets/guichet';
import { createGuichetSchema } from '../guichets/guichet.schemas';
import { GUICHET_MANAGERS } from '../guichets/guichets.controller';
import { managesGuichet } from '../guichets/guichet-scope.guard';
import { GuichetOnboarding } from './guichet-onboarding.service';

@ApiTags('guichets')
@ApiBearerAuth()
@Roles(...GUICHET_MANAGERS)
@Controller('guichets')
export class GuichetOnboardingController {
  constructor(
    private readonly onboarding: GuichetOnboarding,
    private readonly audit: AuditLog,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      "Register a guichet; its delivery log (Kafka topic) and its principal's ACLs are created with it",
  })
  @ApiBody({ schema: createGuichetSchema as never })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new JsonBodyPipe<NewGuichet>(createGuichetSchema)) body: NewGuichet,
  ): Promise<Guichet> {
    if (!managesGuichet(principal, body))
      throw new ForbiddenError("the guichet's territory is outside yours");
    const guichet = await this.onboarding.create(body, principalLabel(principal));
    // A national reach is a mandate granted by someone: the trail says who, when, which.
    if (isNationalTerritory(guichet.territory))
      await this.audit.record({
        principal,
        action: 'create-national-guichet',
        guichet: guichet.code,
        detail: `national mandate: ${guichet.territory.national.mandate}`,
        at: new Date(),
      });
    return guichet;
  }
}
