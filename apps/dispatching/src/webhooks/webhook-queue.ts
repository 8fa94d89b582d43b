import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { GuichetDelivery } from '@sne/contracts';
import { QueueFactory } from '@sne/queues';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { WEBHOOK_SETTINGS, type WebhookSettings } from './webhook-settings';

export const WEBHOOK_QUEUE = 'webhook-deliveries';

export interface WebhookJob {
  readonly guichetCode: string;
  /** Deliveries of one demand to one guichet go out in their log order: one lane each. */
  readonly lane: string;
  readonly delivery: GuichetDelivery;
}

/** BullMQ job ids may not contain ':', which delivery ids do (`<event id>:<guichet>`). */
export const jobIdOf = (deliveryId: string): string => deliveryId.replace(/:/g, '_');

/**
 * The webhook delivery queue (BullMQ, one job per delivery, its id made from the delivery id) and its lanes:
 * a Redis sorted set per (guichet, demand) holding the pending delivery ids by log offset. A job
 * is sent only when it heads its lane, so one demand's deliveries reach the guichet in order while
 * other demands go on.
 */
@Injectable()
export class WebhookQueue implements OnModuleInit {
  queue!: Queue<WebhookJob>;
  private redis!: Redis;

  constructor(
    private readonly queues: QueueFactory,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
  ) {}

  onModuleInit(): void {
    this.queue = this.queues.queue<WebhookJob>(WEBHOOK_QUEUE);
    this.redis = this.queues.client();
  }

  laneKey(guichetCode: string, numeroUnique: string): string {
    return `${this.queues.keyPrefix}:webhook-lane:${guichetCode}:${numeroUnique}`;
  }

  /** Idempotent: a delivery read twice from the log is queued once (same member, same job id). */
  async enqueue(
    delivery: GuichetDelivery,
    order: number,
    lane = this.laneKey(delivery.guichetCode, delivery.event.subject),
  ): Promise<void> {
    await this.redis.zadd(lane, 'NX', order, delivery.deliveryId);
    await this.queue.add(
      'deliver',
      { guichetCode: delivery.guichetCode, lane, delivery },
      {
        jobId: jobIdOf(delivery.deliveryId),
        attempts: this.settings.maxAttempts,
        backoff: { type: 'jittered' },
        removeOnComplete: true,
        removeOnFail: true,
      },
    );
  }

  /** The delivery id at the head of a lane. */
  async head(lane: string): Promise<string | undefined> {
    const [first] = await this.redis.zrange(lane, 0, 0);
    return first;
  }

  async leave(lane: string, deliveryId: string): Promise<void> {
    await this.redis.zrem(lane, deliveryId);
  }
}
