import type { Logger } from '@nestjs/common';
import { decodeDelivery, type GuichetDelivery, guichetDeliveryTopic } from '@sne/contracts';
import type {
  ConsumerDefinition,
  EventConsumerFactory,
  MessageContext,
  RunningConsumer,
} from '@sne/kafka';
import type { Guichet } from '../guichets/guichet';
import type { GuichetRepository } from '../guichets/guichet.repository';

export interface FollowerOptions {
  readonly groupId: string;
  /** Which guichets' delivery logs to read (e.g. those with the pull feed enabled). */
  readonly selects: (guichet: Guichet) => boolean;
  readonly handle: (delivery: GuichetDelivery, context: MessageContext) => Promise<void>;
  readonly handleBatch?: ConsumerDefinition<GuichetDelivery>['handleBatch'];
  readonly refreshMs: number;
}

/**
 * Reads the delivery logs of a changing set of guichets with one consumer group. When the set
 * changes, the group restarts on the new list of topics; committed offsets are kept, so nothing
 * is skipped and a newly followed log is read from its start.
 */
export class GuichetLogFollower {
  private topics = '';
  private guichetsFollowed = new Map<string, Guichet>();
  private consumer: RunningConsumer | undefined;
  private following: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly consumers: EventConsumerFactory,
    private readonly guichets: GuichetRepository,
    private readonly options: FollowerOptions,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.follow();
    this.timer = setInterval(() => void this.follow(), this.options.refreshMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.following;
    await this.consumer?.stop();
  }

  private follow(): Promise<void> {
    this.following = this.following
      .then(() => this.restartIfChanged())
      .catch((error: unknown) =>
        this.logger.warn({
          msg: 'followed guichets refresh failed',
          group: this.options.groupId,
          reason: (error as Error).message,
        }),
      );
    return this.following;
  }

  /** A followed guichet as last listed (at most one refresh old). */
  followed(code: string): Guichet | undefined {
    return this.guichetsFollowed.get(code);
  }

  private async restartIfChanged(): Promise<void> {
    const selected = (await this.guichets.list()).filter(this.options.selects);
    this.guichetsFollowed = new Map(selected.map((guichet) => [guichet.code, guichet]));
    const codes = selected.map((guichet) => guichet.code);
    const topics = codes.map((code) => guichetDeliveryTopic(code)).sort();
    const key = topics.join(',');
    if (key === this.topics) return;
    await this.consumer?.stop();
    this.consumer = undefined;
    this.topics = key;
    if (topics.length === 0) return;
    this.consumer = this.consumers.start<GuichetDelivery>({
      groupId: this.options.groupId,
      topics,
      decode: decodeDelivery,
      handle: this.options.handle,
      ...(this.options.handleBatch ? { handleBatch: this.options.handleBatch } : {}),
    });
    this.logger.log({
      msg: 'following guichet logs',
      group: this.options.groupId,
      guichets: codes.length,
    });
  }
}
