import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { QueueFactory } from '@sne/queues';
import type { Worker } from 'bullmq';
import { RENEWAL_NOTICES_CONFIG, type RenewalNoticesConfig } from '../config';
import {
  NOTICE_CHANNELS,
  type NoticeChannelName,
  type NoticeJob,
  queueName,
} from './notice-queues';
import { NoticeSender, type NoticeOutcome } from './notice-sender';

/**
 * One BullMQ worker per channel. The limiter caps what each provider gets per second across
 * every replica (BullMQ keeps it in Redis); the mail transport's pool caps connections.
 */
@Injectable()
export class NoticeWorkers implements OnApplicationBootstrap {
  private readonly logger = new Logger(NoticeWorkers.name);
  readonly workers = new Map<NoticeChannelName, Worker<NoticeJob, NoticeOutcome>>();

  constructor(
    private readonly factory: QueueFactory,
    private readonly sender: NoticeSender,
    @Inject(RENEWAL_NOTICES_CONFIG) private readonly config: RenewalNoticesConfig,
  ) {}

  onApplicationBootstrap(): void {
    const rates: Partial<Record<NoticeChannelName, number>> = {
      email: this.config.EMAIL_RATE_PER_SECOND,
      sms: this.config.SMS_RATE_PER_SECOND,
    };
    for (const channel of NOTICE_CHANNELS) {
      const rate = rates[channel];
      const worker = this.factory.worker<NoticeJob, NoticeOutcome>(
        queueName(channel),
        (job, token) => this.sender.process(job, token),
        {
          concurrency: this.config.NOTICE_WORKER_CONCURRENCY,
          lockDuration: this.config.NOTICE_LOCK_MS,
          stalledInterval: this.config.NOTICE_LOCK_MS,
          ...(rate ? { limiter: { max: rate, duration: 1_000 } } : {}),
        },
      );
      worker.on('failed', (job, error) => {
        this.logger.warn({
          msg: 'renewal notice attempt failed',
          jobId: job?.id,
          attempts: job?.attemptsMade,
          err: error,
        });
      });
      worker.on('error', (error) => this.logger.error({ msg: 'notice worker error', err: error }));
      this.workers.set(channel, worker);
    }
  }
}
