import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OwnGuichet, Roles } from '@sne/auth';
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
  ) {}

  @Post('credentials')
  @HttpCode(201)
  @ApiOperation({
    summary:
      "New SASL/SCRAM credentials of the guichet's Kafka principal, shown once; the previous password stops working",
  })
  async issue(@Param('code') code: string): Promise<KafkaCredentials> {
    return this.access.issueCredentials(await this.guichets.get(guichetCodeOf(code)));
  }
}
