import { Injectable } from '@nestjs/common';
import { guichetConsumerGroup, guichetDeliveryTopic, Topics } from '@sne/contracts';
import { type GroupTopicLag, TopicAdmin } from '@sne/kafka';
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

  /**
   * One offset fetch per consumer group (the dispatcher's, the feed writer's, the webhook
   * enqueuer's, each guichet's own) and one end-offsets read per topic, all at the same time.
   */
  async report(now: Date): Promise<LagReport> {
    const guichets = await this.guichets.list();
    const logsWith = (channel: (guichet: Guichet) => boolean | undefined) =>
      guichets.filter(channel).map((guichet) => guichetDeliveryTopic(guichet.code));
    const [[dispatcher, feed, webhook, ...own], counts] = await Promise.all([
      this.admin.groupsLag([
        { groupId: DISPATCHER_GROUP, topics: [Topics.DemandEvents, Topics.DocumentEvents] },
        { groupId: FEED_GROUP, topics: logsWith((guichet) => guichet.channels.pull?.enabled) },
        {
          groupId: WEBHOOK_GROUP,
          topics: logsWith((guichet) => guichet.channels.webhook?.enabled),
        },
        ...guichets.map((guichet) => ({
          groupId: guichetConsumerGroup(guichet.code),
          topics: [guichetDeliveryTopic(guichet.code)],
        })),
      ]),
      this.webhooks.queue.getJobCounts('waiting', 'delayed', 'active', 'failed'),
    ]);
    const byTopic = (lags: readonly GroupTopicLag[]) =>
      new Map(lags.map((lag) => [lag.topic, lag]));
    const feedLags = byTopic(feed);
    const webhookLags = byTopic(webhook);
    return {
      at: now.toISOString(),
      dispatcher: dispatcher.map(({ topic, lag }) => ({ topic, lag })),
      webhookJobs: {
        waiting: counts.waiting ?? 0,
        delayed: counts.delayed ?? 0,
        active: counts.active ?? 0,
        failed: counts.failed ?? 0,
      },
      guichets: guichets.map((guichet, i): GuichetLag => {
        const log = guichetDeliveryTopic(guichet.code);
        const mine = own[i][0];
        const feedLag = feedLags.get(log);
        const webhookLag = webhookLags.get(log);
        return {
          code: guichet.code,
          paused: guichet.paused,
          logEnd: mine?.endOffset ?? 0,
          ...(guichet.channels.kafka?.enabled && mine ? { kafkaConsumer: mine.lag } : {}),
          ...(feedLag ? { feedWriter: feedLag.lag } : {}),
          ...(webhookLag ? { webhookEnqueuer: webhookLag.lag } : {}),
        };
      }),
    };
  }
}
