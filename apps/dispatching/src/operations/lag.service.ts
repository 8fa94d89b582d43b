import { Injectable } from '@nestjs/common';
import { guichetConsumerGroup, guichetDeliveryTopic, Topics } from '@sne/contracts';
import { TopicAdmin } from '@sne/kafka';
import { DISPATCHER_GROUP } from '../dispatch/dispatcher.consumer';
import { FEED_GROUP } from '../feed/feed-writer.consumer';
import type { Guichet } from '../guichets/guichet';
import { GuichetsService } from '../guichets/guichets.service';
import { WEBHOOK_GROUP } from '../webhooks/webhook-enqueuer.consumer';
import { WebhookQueue } from '../webhooks/webhook-queue';

export interface GuichetLag {
  readonly code: string;
  readonly paused: boolean;
  /** Deliveries appended to the guichet's log so far (retention aside). */
  readonly logEnd: number;
  /** Not yet read by the guichet's own consumer group (Kafka channel), if it has one. */
  readonly kafkaConsumer?: number;
  readonly feedWriter?: number;
  readonly webhookEnqueuer?: number;
}

export interface LagReport {
  readonly at: string;
  readonly dispatcher: ReadonlyArray<{ topic: string; lag: number }>;
  /** Webhook deliveries waiting (queued or retrying), all guichets together. */
  readonly webhookJobs: { waiting: number; delayed: number; active: number; failed: number };
  readonly guichets: readonly GuichetLag[];
}

/** How far behind each stage of the fan-out is: what the console shows and alerts read. */
@Injectable()
export class LagService {
  constructor(
    private readonly admin: TopicAdmin,
    private readonly guichets: GuichetsService,
    private readonly webhooks: WebhookQueue,
  ) {}

  async report(now: Date): Promise<LagReport> {
    const [dispatcher, guichets, counts] = await Promise.all([
      this.admin.groupLag(DISPATCHER_GROUP, [Topics.DemandEvents, Topics.DocumentEvents]),
      this.guichets.list(),
      this.webhooks.queue.getJobCounts('waiting', 'delayed', 'active', 'failed'),
    ]);
    return {
      at: now.toISOString(),
      dispatcher: dispatcher.map(({ topic, lag }) => ({ topic, lag })),
      webhookJobs: {
        waiting: counts.waiting ?? 0,
        delayed: counts.delayed ?? 0,
        active: counts.active ?? 0,
        failed: counts.failed ?? 0,
      },
      guichets: await Promise.all(guichets.map((guichet) => this.guichetLag(guichet))),
    };
  }

  private async guichetLag(guichet: Guichet): Promise<GuichetLag> {
    const log = guichetDeliveryTopic(guichet.code);
    const lagOf = async (group: string) => (await this.admin.groupLag(group, [log]))[0];
    const own = await lagOf(guichetConsumerGroup(guichet.code));
    const feed = guichet.channels.pull?.enabled ? await lagOf(FEED_GROUP) : undefined;
    const webhook = guichet.channels.webhook?.enabled ? await lagOf(WEBHOOK_GROUP) : undefined;
    return {
      code: guichet.code,
      paused: guichet.paused,
      logEnd: own?.endOffset ?? 0,
      ...(guichet.channels.kafka?.enabled && own ? { kafkaConsumer: own.lag } : {}),
      ...(feed ? { feedWriter: feed.lag } : {}),
      ...(webhook ? { webhookEnqueuer: webhook.lag } : {}),
    };
  }
}
