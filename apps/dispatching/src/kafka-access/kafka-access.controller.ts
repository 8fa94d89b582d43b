import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '@sne/audit';
import { CurrentPrincipal, OwnGuichet, type Principal, Roles } from '@sne/auth';
import { territoryDepartments } from '@sne/matching';
import { guichetCodeOf } from '@sne/platform';
import { GUICHET_MANAGERS } from '../guichets/guichets.controller';
import { GuichetsService } from '../guichets/guichets.service';
import { GuichetScopeGuard } from '../guichets/guichet-scope.guard';
import { GuichetKafkaAccess, type KafkaCredentials } from './guichet-kafka-access';

/** A guichet's credentials on the broker, for reading its own delivery log. */
@ApiTags('kafka')
@ApiBearerAuth()
@Roles(...GUICHET_MANAGERS)
@OwnGuichet()
@UseGuards(GuichetScopeGuard)
@Controller('guichets/:code/kafka')
export class KafkaAccessController {
  constructor(
    private readonly guichets: GuichetsService,
    private readonly access: GuichetKafkaAccess,
    private readonly audit: AuditLog,
  ) {}

  @Post('credentials')
  @HttpCode(201)
  @ApiOperation({
    summary:
      "New SASL/SCRAM credentials of the guichet's Kafka principal, shown once; the previous password stops working",
  })
  async issue(
    @CurrentPrincipal() principal: Principal,
    @Param('code') code: string,
  ): Promise<KafkaCredentials> {
    const guichet = await this.guichets.get(guichetCodeOf(code));
    // Recorded before the secret exists: no credentials are ever issued unrecorded.
    await this.audit.record({
      principal,
      action: 'issue-kafka-credentials',
      guichet: guichet.code,
      departments: territoryDepartments(guichet.territory) ?? [],
      at: new Date(),
    });
    return this.access.issueCredentials(guichet);
  }
}
