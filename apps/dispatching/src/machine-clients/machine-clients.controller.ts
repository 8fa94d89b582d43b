import { Body, Controller, Delete, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '@sne/audit';
import { CurrentPrincipal, OwnGuichet, type Principal, Roles } from '@sne/auth';
import { territoryDepartments } from '@sne/matching';
import { guichetCodeOf, NotFoundError } from '@sne/platform';
import { GUICHET_MANAGERS } from '../guichets/guichets.controller';
import { GuichetsService, refuseRetired } from '../guichets/guichets.service';
import { GuichetScopeGuard } from '../guichets/guichet-scope.guard';
import {
  CLIENT_CREDENTIALS_EXAMPLE,
  ClientCredentialsPipe,
  type ClientCredentialsRequest,
  clientCredentialsSchema,
} from './client-keys';
import { GuichetMachineClients, type MachineClientCredentials } from './guichet-machine-clients';

/** A guichet's OAuth 2.0 client at the identity provider: its software's credentials. */
@ApiTags('oauth')
@ApiBearerAuth()
@Roles(...GUICHET_MANAGERS)
@UseGuards(GuichetScopeGuard)
@Controller('guichets/:code/oauth')
export class MachineClientsController {
  constructor(
    private readonly guichets: GuichetsService,
    private readonly clients: GuichetMachineClients,
    private readonly audit: AuditLog,
  ) {}

  @Post('credentials')
  @OwnGuichet()
  @HttpCode(201)
  @ApiOperation({
    summary:
      "Registers the guichet's client again: with the public keys given, it authenticates by private_key_jwt (ES256, no secret); without, a new client secret, shown once. The previous secret or keys stop working",
  })
  @ApiBody({
    required: false,
    schema: clientCredentialsSchema as never,
    examples: {
      'private-key-jwt': { summary: "the guichet's public key", value: CLIENT_CREDENTIALS_EXAMPLE },
      secret: { summary: 'a client secret', value: {} },
    },
  })
  async issue(
    @CurrentPrincipal() principal: Principal,
    @Param('code') code: string,
    @Body(new ClientCredentialsPipe()) body: ClientCredentialsRequest,
  ): Promise<MachineClientCredentials> {
    const guichet = await this.guichets.get(guichetCodeOf(code));
    refuseRetired(guichet);
    await this.audit.record({
      principal,
      action: 'issue-oauth-credentials',
      guichet: guichet.code,
      departments: territoryDepartments(guichet.territory) ?? [],
      at: new Date(),
    });
    return this.clients.register(guichet, new Date(), body.jwks);
  }

  @Delete('client')
  @HttpCode(204)
  @ApiOperation({
    summary:
      "Revokes the guichet's client: no new token from now, the ones it holds expire within their minute",
  })
  async revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('code') code: string,
  ): Promise<void> {
    const guichet = await this.guichets.get(guichetCodeOf(code));
    await this.audit.record({
      principal,
      action: 'revoke-oauth-client',
      guichet: guichet.code,
      departments: territoryDepartments(guichet.territory) ?? [],
      at: new Date(),
    });
    if (!(await this.clients.revoke(guichet.code)))
      throw new NotFoundError(`guichet ${guichet.code} has no client registered here`);
  }
}
