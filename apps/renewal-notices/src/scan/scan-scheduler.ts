import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { RenewalSettings } from '@sne/domain';
import { QueueFactory } from '@sne/queues';
import { RENEWAL_NOTICES_CONFIG, type RenewalNoticesConfig } from '../config';
import { RENEWAL_SETTINGS } from '../renewal-settings';
import { DueScanner, type ScanReport } from './due-scanner';

export const SCAN_QUEUE = 'renewal-scan';
const SCHEDULER_ID = 'daily-due-scan';

/**
 * The daily scan as a BullMQ job scheduler: one job per cron tick whatever the number of
 * replicas, run by one worker at a time.
 */
@Injectable()
export class ScanScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(ScanScheduler.name);

  constructor(
    private readonly factory: QueueFactory,
    private readonly scanner: DueScanner,
    @Inject(RENEWAL_NOTICES_CONFIG) private readonly config: RenewalNoticesConfig,
    @Inject(RENEWAL_SETTINGS) private readonly settings: RenewalSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.scanner.start();
    const queue = this.factory.queue(SCAN_QUEUE, {
      defaultJobOptions: {
        attempts: 5,
        backoff: { type: 'exponential', delay: 60_000 },
        removeOnComplete: { count: 400 },
        removeOnFail: { count: 400 },
      },
    });
    if (this.config.RENEWAL_SCAN_CRON === 'off') {
      // Scans run on demand only (POST /scans): tests on a manual clock, a paused deployment.
      await queue.removeJobScheduler(SCHEDULER_ID);
    } else {
      await queue.upsertJobScheduler(
        SCHEDULER_ID,
        { pattern: this.config.RENEWAL_SCAN_CRON, tz: this.settings.timeZone },
        { name: 'scan' },
      );
    }
    this.factory.worker<unknown, ScanReport>(SCAN_QUEUE, () => this.scanner.scan(), {
      concurrency: 1,
    });
    this.logger.log({
      msg: 'due scan scheduled',
      cron: this.config.RENEWAL_SCAN_CRON,
      timeZone: this.settings.timeZone,
    });
  }
}
