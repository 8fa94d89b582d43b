import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@sne/auth';
import { portalValidationSchema } from '@sne/domain';
import { ForbiddenError, InvalidInputError, requiredVersionFromIfMatch } from '@sne/platform';
import type { Response } from 'express';
import type { RegisteredDemand } from '../demands/demand.repository';
import { pendingIdOf, tagged } from './drafts.controller';
import type { PendingDemand } from './pending-demand.repository';
import { PendingDemandsService } from './pending-demands.service';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}$/;

/** The guichets' side of the portal's demands: find them by email, validate them. */
@ApiTags('portal demands')
@ApiBearerAuth()
@Controller('portal-demands')
export class PortalDemandsController {
  constructor(private readonly pending: PendingDemandsService) {}

  @Get()
  @ApiOperation({
    summary:
      "Portal demands awaiting validation filed with the applicant's email, in your territory",
  })
  @ApiQuery({ name: 'email', required: true })
  async find(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, unknown>,
  ): Promise<{ portalDemands: PendingDemand[] }> {
    const { email, ...others } = query;
    const unknown = Object.keys(others);
    if (typeof email !== 'string' || !EMAIL.test(email) || unknown.length > 0) {
      throw new InvalidInputError('invalid search', [
        ...(typeof email !== 'string' || !EMAIL.test(email)
          ? [{ path: 'email', message: "the applicant's email address" }]
          : []),
        ...unknown.map((name) => ({ path: name, message: 'is not a criterion' })),
      ]);
    }
    return { portalDemands: await this.pending.findAwaitingValidation(principal, email) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a portal demand (audit-logged)' })
  async read(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ portalDemand: PendingDemand }> {
    return tagged(
      response,
      'portalDemand',
      await this.pending.readPortalDemand(principal, pendingIdOf(id)),
    );
  }

  @Post(':id/validation')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Validate a portal demand (a guichet, If-Match) after checking the identity document: duplicates (409 unless forced), numéro, `validated` event',
  })
  @ApiBody({ schema: portalValidationSchema as never })
  @ApiQuery({ name: 'forceDuplicate', required: false, type: Boolean })
  @ApiHeader({ name: 'If-Match', required: true, description: 'the version read, e.g. "1"' })
  async validate(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Query('forceDuplicate') force: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ demand: RegisteredDemand }> {
    if (principal.kind !== 'guichet') throw new ForbiddenError('a guichet validates');
    const demand = await this.pending.validate(
      principal,
      pendingIdOf(id),
      requiredVersionFromIfMatch(ifMatch),
      body,
      { forceDuplicate: force === 'true' },
    );
    return tagged(response, 'demand', demand);
  }
}
