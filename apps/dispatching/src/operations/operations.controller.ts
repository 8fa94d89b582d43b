import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InvalidInputError, JsonBodyPipe } from '@sne/platform';
import type { SubscriptionChange } from '../guichets/guichet';
import { subscriptionChangeSchema } from '../guichets/guichet.schemas';
import { guichetCode } from '../guichets/guichets.controller';
import { GuichetsService } from '../guichets/guichets.service';
import { BackfillService } from './backfill.service';
import { type DryRunResult, DryRunService } from './dry-run.service';
import { type ReplayResult, ReplayService } from './replay.service';

const replaySchema = {
  $id: 'replay',
  type: 'object',
  required: ['from'],
  additionalProperties: false,
  properties: { from: { type: 'string', format: 'date-time' } },
} as const;

/** Operators' tools around a guichet's deliveries: dry run, backfill, replay. */
@ApiTags('operations')
@Controller('guichets')
export class OperationsController {
  constructor(
    private readonly guichets: GuichetsService,
    private readonly dryRuns: DryRunService,
    private readonly backfills: BackfillService,
    private readonly replays: ReplayService,
  ) {}

  @Post(':code/subscription/dry-run')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "What a draft subscription would deliver: active demands of the stock, last 30 days' events",
  })
  @ApiBody({ schema: subscriptionChangeSchema as never })
  async dryRun(
    @Param('code') code: string,
    @Body(new JsonBodyPipe<SubscriptionChange>(subscriptionChangeSchema)) draft: SubscriptionChange,
  ): Promise<DryRunResult> {
    await this.guichets.get(guichetCode(code));
    return this.dryRuns.dryRun(code, draft);
  }

  @Post(':code/backfill')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Deliver every active demand the current subscription selects (latest event of each)',
  })
  async backfill(@Param('code') code: string): Promise<{ delivered: number; examined: number }> {
    return this.backfills.backfill(await this.guichets.subscription(guichetCode(code)));
  }

  @Post(':code/replay')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Replay a guichet's deliveries from a date: its Kafka group is moved back, a feed cursor is given",
  })
  @ApiBody({ schema: replaySchema as never })
  replay(
    @Param('code') code: string,
    @Body(new JsonBodyPipe<{ from: string }>(replaySchema)) body: { from: string },
  ): Promise<ReplayResult> {
    const from = new Date(body.from);
    if (Number.isNaN(from.getTime()))
      throw new InvalidInputError('invalid date', [
        { path: '/from', message: 'must be a date-time' },
      ]);
    return this.replays.replay(guichetCode(code), from);
  }
}
