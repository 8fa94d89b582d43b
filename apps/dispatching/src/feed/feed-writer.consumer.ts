import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import {
  decodeDelivery,
  type GuichetDelivery,
  guichetDeliveryTopic,
  guichetOfDeliveryTopic,
} from '@sne/contracts';
import { EventConsumerFactory, type MessageContext, type RunningConsumer } from '@sne/kafka';
import { Clock } from '@sne/platform';
import { SUBSCRIPTION_REFRESH_MS } from '../dispatch/subscription-index';
import { GuichetRepository } from '../guichets/guichet.repository';
import { FeedRepository } from './feed.repository';
import { FeedService } from './feed.service';

export const FEED_GROUP = 'sne.dispatching.feed';

/**
 * Copies the deliveries of the guichets that use the pull feed from their delivery logs into the
 * feed store, with partition and offset (RetentionService purges it). The consumer
 * group follows the set of such guichets: when it changes, the group is restarted on the new set
 * of topics (committed offsets are kept, so nothing is read twice or skipped).
 */
@Injectable()
export class FeedWriterConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FeedWriterConsumer.name);
  private topics = '';
  private consumer: RunningConsumer | undefined;
  private following: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly consumers: EventConsumerFactory,
    private readonly entries: FeedRepository,
    private readonly feed: FeedService,
    private readonly guichets: GuichetRepository,
    private readonly clock: Clock,
    @Inject(SUBSCRIPTION_REFRESH_MS) private readonly refreshMs: number,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.follow();
    this.timer = setInterval(() => void this.follow(), this.refreshMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.following;
    await this.consumer?.stop();
  }

  private follow(): Promise<void> {
    this.following = this.following
      .then(() => this.restartIfChanged())
      .catch((error: unknown) =>
        this.logger.warn({ msg: 'feed topics refresh failed', reason: (error as Error).message }),
      );
    return this.following;
  }

  private async restartIfChanged(): Promise<void> {
    const codes = (await this.guichets.list())
      .filter((guichet) => guichet.channels.pull.enabled)
      .map((guichet) => guichet.code);
    const topics = codes.map((code) => guichetDeliveryTopic(code)).sort();
    const key = topics.join(',');
    if (key === this.topics) return;
    await this.consumer?.stop();
    this.consumer = undefined;
    this.topics = key;
    if (topics.length === 0) return;
    this.consumer = this.consumers.start<GuichetDelivery>({
      groupId: FEED_GROUP,
      topics,
      decode: decodeDelivery,
      handle: (delivery, context) => this.store(delivery, context),
    });
    this.logger.log({ msg: 'feed follows guichets', guichets: codes.length });
  }

  private async store(delivery: GuichetDelivery, context: MessageContext): Promise<void> {
    const guichetCode = guichetOfDeliveryTopic(context.topic) ?? delivery.guichetCode;
    await this.entries.append({
      guichetCode,
      partition: context.partition,
      offset: Number(context.offset),
      storedAt: this.clock.now().toISOString(),
      delivery,
    });
    this.feed.notifyAppended(guichetCode);
  }
}
