import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Clock } from '@sne/platform';
import { FeedRepository } from '../feed/feed.repository';
import { RECENT_EVENTS_DAYS, RecentEventsRepository } from '../dispatch/recent-events.repository';

export const FEED_RETENTION_DAYS = 14;
const EVERY_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** Drops what the dispatcher keeps past its retention: feed entries, recent events. */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionService.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly feed: FeedRepository,
    private readonly recentEvents: RecentEventsRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async purge(): Promise<{ feedEntries: number; recentEvents: number }> {
    const now = this.clock.now().getTime();
    try {
      const purged = {
        feedEntries: await this.feed.purgeOlderThan(new Date(now - FEED_RETENTION_DAYS * DAY_MS)),
        recentEvents: await this.recentEvents.purgeOlderThan(
          new Date(now - RECENT_EVENTS_DAYS * DAY_MS),
        ),
      };
      if (purged.feedEntries + purged.recentEvents > 0)
        this.logger.log({ msg: 'retention purge', ...purged });
      return purged;
    } catch (error) {
      this.logger.warn({ msg: 'retention purge failed', reason: (error as Error).message });
      return { feedEntries: 0, recentEvents: 0 };
    }
  }
}
