import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { type GuichetDelivery, guichetOfDeliveryTopic } from '@sne/contracts';
import { EventConsumerFactory, type MessageContext } from '@sne/kafka';
import { Clock } from '@sne/platform';
import { GuichetLogFollower } from '../dispatch/guichet-log-follower';
import { SUBSCRIPTION_REFRESH_MS } from '../dispatch/subscription-index';
import { GuichetRepository } from '../guichets/guichet.repository';
import { FeedRepository } from './feed.repository';
import { FeedService } from './feed.service';

export const FEED_GROUP = 'sne.dispatching.feed';

/**
 * Copies the deliveries of the guichets that use the pull feed from their delivery logs into the
 * feed store, with partition and offset (RetentionService purges it).
 */
@Injectable()
export class FeedWriterConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly follower: GuichetLogFollower;

  constructor(
    consumers: EventConsumerFactory,
    guichets: GuichetRepository,
    private readonly entries: FeedRepository,
    private readonly feed: FeedService,
    private readonly clock: Clock,
    @Inject(SUBSCRIPTION_REFRESH_MS) refreshMs: number,
  ) {
    this.follower = new GuichetLogFollower(
      consumers,
      guichets,
      {
        groupId: FEED_GROUP,
        selects: (guichet) => guichet.channels.pull.enabled,
        handle: (delivery, context) => this.store([{ value: delivery, context }]),
        // A fetched batch is one bulk insert: the feed keeps up with the dispatcher.
        handleBatch: (items) => this.store(items),
        refreshMs,
      },
      new Logger(FeedWriterConsumer.name),
    );
  }

  onApplicationBootstrap(): Promise<void> {
    return this.follower.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.follower.stop();
  }

  private async store(
    items: ReadonlyArray<{ value: GuichetDelivery; context: MessageContext }>,
  ): Promise<void> {
    const storedAt = this.clock.now().toISOString();
    const entries = items.map(({ value: delivery, context }) => ({
      guichetCode: guichetOfDeliveryTopic(context.topic) ?? delivery.guichetCode,
      partition: context.partition,
      offset: Number(context.offset),
      storedAt,
      delivery,
    }));
    await this.entries.append(entries);
    for (const code of new Set(entries.map((entry) => entry.guichetCode)))
      this.feed.notifyAppended(code);
  }
}
