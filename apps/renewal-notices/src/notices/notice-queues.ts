import { Inject, Injectable } from '@nestjs/common';
import { noticeJobId, type RenewalNoticeKind } from '@sne/domain';
import { QueueFactory } from '@sne/queues';
import type { Queue } from 'bullmq';
import { RENEWAL_NOTICES_CONFIG, type RenewalNoticesConfig } from '../config';

export interface NoticeJob {
  readonly numeroUnique: string;
  readonly cycle: string;
  readonly kind: RenewalNoticeKind;
  /** The demand version the scanner saw: a radiation command carries it. */
  readonly version: number;
  /** A letter sent because this notice bounced or was undeliverable. */
  readonly fallbackFor?: RenewalNoticeKind;
}

/** One queue per channel, so each has its own rate limit and a stuck provider holds only its own. */
export const NOTICE_CHANNELS = ['email', 'sms', 'letter', 'radiation'] as const;
export type NoticeChannelName = (typeof NOTICE_CHANNELS)[number];

export function channelOf(kind: RenewalNoticeKind): NoticeChannelName {
  switch (kind) {
    case 'email':
      return 'email';
    case 'sms':
      return 'sms';
    case 'plain-letter':
    case 'registered-letter':
      return 'letter';
    case 'radiation-for-non-renewal':
      return 'radiation';
  }
}

export function queueName(channel: NoticeChannelName): string {
  return `renewal-${channel}`;
}

/**
 * The job id says which notice it is: a second enqueue of the same notice is ignored while the
 * first job is kept. A radiation is re-sent for each demand version (the registration app
 * ignores a command whose version is stale), so its version is part of the id.
 */
export function jobIdOf(job: NoticeJob): string {
  const id = noticeJobId(job.numeroUnique, job.cycle, job.kind);
  return job.kind === 'radiation-for-non-renewal' ? `${id}/v${job.version}` : id;
}

@Injectable()
export class NoticeQueues {
  readonly queues: ReadonlyMap<NoticeChannelName, Queue<NoticeJob>>;

  constructor(factory: QueueFactory, @Inject(RENEWAL_NOTICES_CONFIG) config: RenewalNoticesConfig) {
    this.queues = new Map(
      NOTICE_CHANNELS.map((channel) => [
        channel,
        factory.queue<NoticeJob>(queueName(channel), {
          defaultJobOptions: {
            attempts: config.NOTICE_ATTEMPTS,
            backoff: { type: 'exponential', delay: config.NOTICE_BACKOFF_MS },
            removeOnComplete: { age: 400 * 24 * 3600 },
            removeOnFail: false,
          },
        }),
      ]),
    );
  }

  async enqueue(job: NoticeJob, delayMs = 0): Promise<void> {
    const queue = this.queue(channelOf(job.kind));
    await queue.add(job.kind, job, {
      jobId: jobIdOf(job),
      ...(delayMs > 0 ? { delay: delayMs } : {}),
    });
  }

  queue(channel: NoticeChannelName): Queue<NoticeJob> {
    const queue = this.queues.get(channel);
    if (!queue) throw new RangeError(`no queue for ${channel}`);
    return queue;
  }
}
