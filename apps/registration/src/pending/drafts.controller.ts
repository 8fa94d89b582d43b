import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@sne/auth';
import { draftDemandInputSchema } from '@sne/domain';
import {
  ForbiddenError,
  InvalidInputError,
  requiredVersionFromIfMatch,
  tagVersion,
} from '@sne/platform';
import type { Response } from 'express';
import type { RegisteredDemand } from '../demands/demand.repository';
import type { PendingDemand } from './pending-demand.repository';
import { PendingDemandsService } from './pending-demands.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function pendingIdOf(text: string): string {
  if (!UUID.test(text))
    throw new InvalidInputError('invalid id', [{ path: '/id', message: 'a UUID, as created' }]);
  return text;
}

export function tagged<K extends string, T extends { version: number }>(
  response: Response,
  key: K,
  value: T,
): Record<K, T> {
  tagVersion(response, value.version);
  return { [key]: value } as Record<K, T>;
}

function guichetOnly(principal: Principal) {
  if (principal.kind !== 'guichet') throw new ForbiddenError('drafts are a guichet’s');
  return principal;
}

/** A guichet's drafts: saved incomplete, resumed, submitted as a registration. */
@ApiTags('drafts')
@ApiBearerAuth()
@Controller('drafts')
export class DraftsController {
  constructor(private readonly pending: PendingDemandsService) {}

  @Post()
  @ApiOperation({
    summary:
      'Save a draft (a guichet): anything may be missing, what is given is checked; no numéro yet',
  })
  @ApiBody({ schema: draftDemandInputSchema as never })
  async save(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ draft: PendingDemand }> {
    const draft = await this.pending.saveDraft(guichetOnly(principal), body);
    response.status(201);
    return tagged(response, 'draft', draft);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Resume a draft (its guichet only)' })
  async read(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ draft: PendingDemand }> {
    return tagged(response, 'draft', await this.pending.readDraft(principal, pendingIdOf(id)));
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace the draft at the version read (If-Match)' })
  @ApiBody({ schema: draftDemandInputSchema as never })
  @ApiHeader({ name: 'If-Match', required: true, description: 'the version read, e.g. "3"' })
  async replace(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ draft: PendingDemand }> {
    const draft = await this.pending.replaceDraft(
      principal,
      pendingIdOf(id),
      requiredVersionFromIfMatch(ifMatch),
      body,
    );
    return tagged(response, 'draft', draft);
  }

  @Post(':id/submission')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Register the draft (If-Match): complete CERFA, territory, duplicates (409 unless forced), numéro',
  })
  @ApiQuery({ name: 'forceDuplicate', required: false, type: Boolean })
  @ApiHeader({ name: 'If-Match', required: true, description: 'the version read, e.g. "3"' })
  async submit(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Query('forceDuplicate') force: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ demand: RegisteredDemand }> {
    const demand = await this.pending.submitDraft(
      guichetOnly(principal),
      pendingIdOf(id),
      requiredVersionFromIfMatch(ifMatch),
      { forceDuplicate: force === 'true' },
    );
    return tagged(response, 'demand', demand);
  }
}
