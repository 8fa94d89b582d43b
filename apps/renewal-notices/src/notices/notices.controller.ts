import {
  CurrentPrincipal,
  coversDepartment,
  OPERATOR_ROLES,
  type Principal,
  Roles,
} from '@sne/auth';
import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  currentCycle,
  dateInTimeZone,
  type PlannedRenewalNotice,
  plannedNotices,
  type RenewalSettings,
} from '@sne/domain';
import { Clock, NotFoundError } from '@sne/platform';
import { CalendarRepository } from '../calendar/calendar.repository';
import { RENEWAL_SETTINGS } from '../renewal-settings';
import { type NoticeClaim, NoticeClaimsRepository } from './notice-claims.repository';
import { NOTICE_CHANNELS, NoticeQueues } from './notice-queues';

export interface DemandNotices {
  readonly numeroUnique: string;
  /** The anniversary the demand must be renewed by, or null when none runs (radiated). */
  readonly cycle: string | null;
  readonly planned: readonly PlannedRenewalNotice[];
  /** Notices claimed for the current cycle and the one before, with their state. */
  readonly notices: readonly NoticeClaim[];
}

export interface QueueReport {
  readonly name: string;
  readonly counts: Readonly<Record<string, number>>;
}

@ApiTags('renewal notices')
@ApiBearerAuth()
@Controller()
export class NoticesController {
  constructor(
    private readonly calendars: CalendarRepository,
    private readonly claims: NoticeClaimsRepository,
    private readonly queues: NoticeQueues,
    private readonly clock: Clock,
    @Inject(RENEWAL_SETTINGS) private readonly settings: RenewalSettings,
  ) {}

  @Get('demands/:numeroUnique/notices')
  @Roles(...OPERATOR_ROLES)
  @ApiOperation({ summary: "A demand's renewal calendar and the notices sent or being sent" })
  async demandNotices(
    @Param('numeroUnique') numeroUnique: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DemandNotices> {
    const stored = await this.calendars.find(numeroUnique);
    if (!stored || !coversDepartment(principal.territory, stored.entry.department)) {
      throw new NotFoundError(`no renewal calendar for demand ${numeroUnique}`);
    }
    const today = dateInTimeZone(this.clock.now(), this.settings.timeZone);
    const cycle = currentCycle(stored.entry.subject, today, this.settings);
    const cycles = [...new Set(stored.indexed.map((key) => key.split('@')[0] ?? ''))];
    return {
      numeroUnique,
      cycle,
      planned: plannedNotices(stored.entry.subject, this.settings),
      notices: await this.claims.ofDemand(numeroUnique, cycles),
    };
  }

  @Get('queues')
  @Roles('national-admin', 'territorial-manager')
  @ApiOperation({
    summary: 'Jobs per notice queue: waiting, delayed (quiet hours), active, failed…',
  })
  async queueReport(): Promise<QueueReport[]> {
    return Promise.all(
      NOTICE_CHANNELS.map(async (channel) => {
        const queue = this.queues.queue(channel);
        return {
          name: queue.name,
          counts: await queue.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed'),
        };
      }),
    );
  }

  @Post('queues/:channel/failed/retry')
  @HttpCode(200)
  @Roles('national-admin')
  @ApiOperation({ summary: 'Try the failed notices of a channel again (after a provider outage)' })
  async retryFailed(@Param('channel') channel: string): Promise<{ retried: number }> {
    const name = NOTICE_CHANNELS.find((known) => known === channel);
    if (!name) throw new NotFoundError(`no notice channel ${channel}`);
    const queue = this.queues.queue(name);
    const failed = await queue.getJobCounts('failed');
    await queue.retryJobs({ state: 'failed' });
    return { retried: failed['failed'] ?? 0 };
  }
}
