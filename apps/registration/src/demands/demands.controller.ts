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
import { NUMERO_UNIQUE_PATTERN } from '@sne/contracts';
import { demandInputSchema } from '@sne/domain';
import { ForbiddenError, InvalidInputError, versionFromIfMatch } from '@sne/platform';
import type { Response } from 'express';
import type { RegisteredDemand } from './demand.repository';
import { DemandsService } from './demands.service';

const NUMERO = new RegExp(NUMERO_UNIQUE_PATTERN);

function numeroOf(text: string): string {
  if (!NUMERO.test(text)) {
    throw new InvalidInputError('invalid numéro unique', [
      { path: '/numeroUnique', message: 'DDD MMYY NNNNNN GGGGG, e.g. "057 1215 073903 10691"' },
    ]);
  }
  return text;
}

function requiredVersion(ifMatch: string | undefined): number {
  const version = versionFromIfMatch(ifMatch);
  if (version === undefined) {
    throw new InvalidInputError('If-Match required', [
      { path: 'if-match', message: 'the version read, e.g. "3" (the ETag of the demand)' },
    ]);
  }
  return version;
}

function withVersion(response: Response, demand: RegisteredDemand): { demand: RegisteredDemand } {
  response.setHeader('ETag', `"${demand.version}"`);
  return { demand };
}

/** Demands over HTTP, for guichet software (the portal's side comes later). */
@ApiTags('demands')
@ApiBearerAuth()
@Controller('demands')
export class DemandsController {
  constructor(private readonly demands: DemandsService) {}

  @Post()
  @ApiOperation({
    summary:
      'Register a demand (a guichet): validated, duplicate-checked, numbered; 409 on a duplicate unless forced',
  })
  @ApiBody({ schema: demandInputSchema as never })
  @ApiQuery({ name: 'forceDuplicate', required: false, type: Boolean })
  async register(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Query('forceDuplicate') force: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ demand: RegisteredDemand }> {
    if (principal.kind !== 'guichet') throw new ForbiddenError('only a guichet registers demands');
    const demand = await this.demands.register(principal, body, {
      forceDuplicate: force === 'true',
    });
    response.status(201);
    return withVersion(response, demand);
  }

  @Get(':numeroUnique')
  @ApiOperation({ summary: 'Read a demand (the read is written to the audit log)' })
  async read(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ demand: RegisteredDemand }> {
    return withVersion(response, await this.demands.read(principal, numeroOf(numeroUnique)));
  }

  @Put(':numeroUnique')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replace the CERFA data at the version read (If-Match); 409 when it is stale',
  })
  @ApiBody({ schema: demandInputSchema as never })
  @ApiHeader({ name: 'If-Match', required: true, description: 'the version read, e.g. "3"' })
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ demand: RegisteredDemand }> {
    if (
      principal.kind === 'operator' &&
      !principal.roles.some((role) => role === 'territorial-manager' || role === 'national-admin')
    )
      throw new ForbiddenError('consultants read demands, they do not change them');
    const demand = await this.demands.update(
      principal,
      numeroOf(numeroUnique),
      requiredVersion(ifMatch),
      body,
    );
    return withVersion(response, demand);
  }
}
