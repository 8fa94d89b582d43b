import {
  CurrentPrincipal,
  OwnGuichet,
  type Principal,
  principalLabel,
  ReadsOnly,
  Roles,
} from '@sne/auth';
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
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { DEMAND_FIELDS, findNeverMatching, validateRule } from '@sne/matching';
import { guichetCodeOf, JsonBodyPipe, tagVersion, versionFromIfMatch } from '@sne/platform';
import type { Response } from 'express';
import type { Guichet, SubscriptionChange, SubscriptionRevision } from './guichet';
import { subscriptionChangeSchema } from './guichet.schemas';
import { GuichetsService } from './guichets.service';
import { GuichetScopeGuard, managesGuichet } from './guichet-scope.guard';

/** The operators' API over guichets and their subscriptions. */
/** Who manages guichets and their subscriptions. */
export const GUICHET_MANAGERS = ['national-admin', 'territorial-manager'] as const;

@ApiTags('guichets')
@ApiBearerAuth()
@Roles(...GUICHET_MANAGERS)
@UseGuards(GuichetScopeGuard)
@Controller('guichets')
export class GuichetsController {
  constructor(private readonly guichets: GuichetsService) {}

  @Get()
  @ApiOperation({ summary: 'List the guichets (of your territory)' })
  async list(@CurrentPrincipal() principal: Principal): Promise<{ guichets: Guichet[] }> {
    const all = await this.guichets.list();
    return { guichets: all.filter((guichet) => managesGuichet(principal, guichet)) };
  }

  @Get(':code')
  @OwnGuichet()
  get(@Param('code') code: string): Promise<Guichet> {
    return this.guichets.get(guichetCodeOf(code));
  }

  @Post(':code/pause')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Pause deliveries to a guichet (they accumulate in its log, nothing is lost)',
  })
  pause(@Param('code') code: string): Promise<Guichet> {
    return this.guichets.setPaused(guichetCodeOf(code), true);
  }

  @Post(':code/resume')
  @HttpCode(200)
  resume(@Param('code') code: string): Promise<Guichet> {
    return this.guichets.setPaused(guichetCodeOf(code), false);
  }

  @Get(':code/subscription')
  @OwnGuichet()
  @ApiOperation({ summary: "The guichet's current subscription; ETag is its version" })
  async subscription(
    @Param('code') code: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SubscriptionRevision> {
    const revision = await this.guichets.subscription(guichetCodeOf(code));
    tagVersion(response, revision.version);
    return revision;
  }

  @Put(':code/subscription')
  @ApiOperation({
    summary: 'Save a new version of the subscription (If-Match: the version edited)',
  })
  @ApiBody({ schema: subscriptionChangeSchema as never })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'the version read; omit only for the first subscription',
  })
  @ApiQuery({ name: 'allowNeverMatching', required: false, type: Boolean })
  async changeSubscription(
    @Param('code') code: string,
    @Body(new JsonBodyPipe<SubscriptionChange>(subscriptionChangeSchema)) body: SubscriptionChange,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Query('allowNeverMatching') allowNeverMatching: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SubscriptionRevision> {
    const version = versionFromIfMatch(ifMatch);
    const revision = await this.guichets.changeSubscription(guichetCodeOf(code), body, {
      operator: principalLabel(principal),
      allowNeverMatching: allowNeverMatching === 'true',
      ...(version !== undefined ? { expectedVersion: version } : {}),
    });
    tagVersion(response, revision.version);
    return revision;
  }

  @Get(':code/subscription/history')
  @OwnGuichet()
  @ApiOperation({
    summary: 'Every version of the subscription, newest first: who changed what, when',
  })
  async history(@Param('code') code: string): Promise<{ revisions: SubscriptionRevision[] }> {
    return { revisions: await this.guichets.history(guichetCodeOf(code)) };
  }
}

/** Checks a draft rule without saving it: problems with their paths, and parts that never match. */
@ApiTags('rules')
@ApiBearerAuth()
@Controller('rules')
export class RulesController {
  @Post('validate')
  @ReadsOnly()
  @HttpCode(200)
  validate(@Body() body: unknown) {
    const rule = (body as { rule?: unknown } | null)?.rule;
    const validation = validateRule(rule, DEMAND_FIELDS);
    if (!validation.ok) return { valid: false, issues: validation.issues, warnings: [] };
    return { valid: true, issues: [], warnings: findNeverMatching(validation.rule, DEMAND_FIELDS) };
  }

  @Get('fields')
  fields() {
    return { fields: DEMAND_FIELDS };
  }
}
