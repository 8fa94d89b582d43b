import { AuditLog } from '@sne/audit';
import { CurrentPrincipal, OwnGuichet, type Principal, principalLabel, Roles } from '@sne/auth';
import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Clock, guichetCodeOf, InvalidInputError, JsonBodyPipe } from '@sne/platform';
import type { SubscriptionChange } from '../guichets/guichet';
import { subscriptionChangeSchema } from '../guichets/guichet.schemas';
import { GUICHET_MANAGERS } from '../guichets/guichets.controller';
import { GuichetsService } from '../guichets/guichets.service';
import { BackfillService } from './backfill.service';
import { type DryRunResult, DryRunService } from './dry-run.service';
import { type LagReport, LagService } from './lag.service';
import { type ReplayResult, ReplayService } from './replay.service';
import { GuichetScopeGuard } from '../guichets/guichet-scope.guard';

const replaySchema = {
  $id: 'replay',
  type: 'object',
  required: ['from'],
  additionalProperties: false,
  properties: { from: { type: 'string', format: 'date-time' } },
} as const;

/** Operators' tools around a guichet's deliveries: dry run, backfill, replay. */
@ApiTags('operations')
@ApiBearerAuth()
@Roles(...GUICHET_MANAGERS)
@UseGuards(GuichetScopeGuard)
@Controller('guichets')
export class OperationsController {
  constructor(
    private readonly guichets: GuichetsService,
    private readonly dryRuns: DryRunService,
    private readonly backfills: BackfillService,
    private readonly replays: ReplayService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  @Post(':code/subscription/dry-run')
  @OwnGuichet()
  @HttpCode(200)
  @ApiOperation({
    summary:
      "What a draft subscription would deliver: active demands of the stock, last 30 days' events",
  })
  @ApiBody({ schema: subscriptionChangeSchema as never })
  async dryRun(
    @Param('code') code: string,
    @Body(new JsonBodyPipe<SubscriptionChange>(subscriptionChangeSchema)) draft: SubscriptionChange,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DryRunResult> {
    const guichet = await this.guichets.get(guichetCodeOf(code));
    const result = await this.dryRuns.dryRun(guichet, draft);
    await this.audit.record({
      principal,
      action: 'dry-run',
      numeroUniques: result.sample,
      guichet: guichet.code,
      at: this.clock.now(),
    });
    return result;
  }

  @Post(':code/backfill')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Deliver every active demand the current subscription selects (latest event of each)',
  })
  async backfill(
    @Param('code') code: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ delivered: number; examined: number }> {
    const guichet = await this.guichets.get(guichetCodeOf(code));
    return this.backfills.backfill(await this.guichets.subscription(code), guichet.territory, {
      requestedBy: principalLabel(principal),
    });
  }

  @Post(':code/replay')
  @OwnGuichet()
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Replay a guichet's deliveries from a date: its Kafka group is moved back, a feed cursor is given",
  })
  @ApiBody({ schema: replaySchema as never })
  async replay(
    @Param('code') code: string,
    @Body(new JsonBodyPipe<{ from: string }>(replaySchema)) body: { from: string },
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReplayResult> {
    const from = new Date(body.from);
    if (Number.isNaN(from.getTime()))
      throw new InvalidInputError('invalid date', [
        { path: '/from', message: 'must be a date-time' },
      ]);
    // The demands replayed are read again through the feed (audited per page) or the topic.
    await this.audit.record({
      principal,
      action: 'replay',
      channel: 'kafka',
      guichet: guichetCodeOf(code),
      at: this.clock.now(),
    });
    return this.replays.replay(guichetCodeOf(code), from);
  }
}

/** How far behind each stage of the fan-out is. */
@ApiTags('operations')
@ApiBearerAuth()
@Roles(...GUICHET_MANAGERS)
@Controller('lag')
export class LagController {
  constructor(
    private readonly lag: LagService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      "Messages not yet handled: the dispatcher's, and per guichet its consumer, feed writer and webhook enqueuer",
  })
  report(): Promise<LagReport> {
    return this.lag.report(this.clock.now());
  }
}
