import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '@sne/audit';
import { CurrentPrincipal, OwnGuichet, type Principal, Roles } from '@sne/auth';
import { Clock, guichetCodeOf, InvalidInputError } from '@sne/platform';
import { GUICHET_MANAGERS } from '../guichets/guichets.controller';
import { type FeedPage, FeedService, MAX_FEED_LIMIT, MAX_WAIT_SECONDS } from './feed.service';
import { GuichetScopeGuard } from '../guichets/guichet-scope.guard';

function integer(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new InvalidInputError(`invalid ${name}`, [
      { path: name, message: `must be a whole number from ${min} to ${max}` },
    ]);
  }
  return number;
}

/** The pull feed: what a guichet reads when it neither consumes Kafka nor takes webhooks. */
@ApiTags('feed')
@ApiBearerAuth()
@Roles(...GUICHET_MANAGERS)
@OwnGuichet()
@UseGuards(GuichetScopeGuard)
@Controller('guichets')
export class FeedController {
  constructor(
    private readonly feed: FeedService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  @Get(':code/feed')
  @ApiOperation({
    summary:
      'The next deliveries after a cursor (none: from the oldest retained). With `wait`, holds the request up to that many seconds until something arrives.',
  })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: `1 to ${MAX_FEED_LIMIT}, default 100` })
  @ApiQuery({
    name: 'wait',
    required: false,
    description: `seconds, 0 to ${MAX_WAIT_SECONDS}, default 0`,
  })
  async read(
    @Param('code') code: string,
    @Query('cursor') cursor: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('wait') wait: string | undefined,
    @CurrentPrincipal() principal: Principal,
  ): Promise<FeedPage> {
    const page = await this.feed.read(
      guichetCodeOf(code),
      cursor,
      integer(limit, 'limit', 1, MAX_FEED_LIMIT, 100),
      integer(wait, 'wait', 0, MAX_WAIT_SECONDS, 0),
    );
    if (page.deliveries.length > 0)
      await this.audit.record({
        principal,
        action: 'read-feed',
        channel: 'feed',
        numeroUniques: page.deliveries.map(({ event }) => event.subject),
        guichet: code,
        at: this.clock.now(),
      });
    return page;
  }
}
