import { Body, Controller, Logger, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '@sne/audit';
import { CurrentPrincipal, type Principal, principalLabel, Roles } from '@sne/auth';
import { isNationalTerritory, territoryDepartments } from '@sne/matching';
import { ForbiddenError, JsonBodyPipe } from '@sne/platform';
import type { Guichet, NewGuichet } from '../guichets/guichet';
import { createGuichetSchema } from '../guichets/guichet.schemas';
import { GUICHET_MANAGERS } from '../guichets/guichets.controller';
import { managesGuichet } from '../guichets/guichet-scope.guard';
import {
  GuichetMachineClients,
  type MachineClientCredentials,
} from '../machine-clients/guichet-machine-clients';
import { GuichetOnboarding } from './guichet-onboarding.service';

@ApiTags('guichets')
@ApiBearerAuth()
@Roles(...GUICHET_MANAGERS)
@Controller('guichets')
export class GuichetOnboardingController {
  private readonly logger = new Logger(GuichetOnboardingController.name);

  constructor(
    private readonly onboarding: GuichetOnboarding,
    private readonly audit: AuditLog,
    private readonly machineClients: GuichetMachineClients,
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
  ): Promise<Guichet & { machineClient?: MachineClientCredentials }> {
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
    return { ...guichet, ...(await this.machineClientOf(guichet, principal)) };
  }

  /**
   * The guichet's software gets its client once the guichet is stored (the insert is what claims
   * the code). If the provider fails, the guichet stands; its credentials route makes the client.
   */
  private async machineClientOf(
    guichet: Guichet,
    principal: Principal,
  ): Promise<{ machineClient?: MachineClientCredentials }> {
    if (!this.machineClients.enabled) return {};
    try {
      await this.audit.record({
        principal,
        action: 'issue-oauth-credentials',
        guichet: guichet.code,
        departments: territoryDepartments(guichet.territory) ?? [],
        at: new Date(),
      });
      return { machineClient: await this.machineClients.register(guichet, new Date()) };
    } catch (error) {
      this.logger.error({
        msg: 'the guichet is created without its machine client; POST /guichets/:code/oauth/credentials makes it',
        guichet: guichet.code,
        reason: (error as Error).message,
      });
      return {};
    }
  }
}
