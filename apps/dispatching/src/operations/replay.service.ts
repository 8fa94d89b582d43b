import { Injectable, Logger } from '@nestjs/common';
import { guichetConsumerGroup, guichetDeliveryTopic } from '@sne/contracts';
import { TopicAdmin } from '@sne/kafka';
import { encodeCursor } from '../feed/feed-cursor';
import { FeedRepository } from '../feed/feed.repository';
import { GuichetsService } from '../guichets/guichets.service';

export interface ReplayResult {
  readonly from: string;
  /** The guichet's Kafka consumer group, moved to the first delivery at or after `from`. */
  readonly kafka: {
    readonly consumerGroup: string;
    readonly reset: boolean;
    readonly partitions?: ReadonlyArray<{ partition: number; offset: string }>;
    readonly reason?: string;
  };
  /** A pull-feed cursor that reads again from `from`. */
  readonly feedCursor: string;
}

/** Replays a guichet's deliveries from a date, on its Kafka channel and its pull feed. */
@Injectable()
export class ReplayService {
  private readonly logger = new Logger(ReplayService.name);

  constructor(
    private readonly admin: TopicAdmin,
    private readonly feed: FeedRepository,
    private readonly guichets: GuichetsService,
  ) {}

  async replay(code: string, from: Date): Promise<ReplayResult> {
    await this.guichets.get(code);
    const consumerGroup = guichetConsumerGroup(code);
    let kafka: ReplayResult['kafka'];
    try {
      const partitions = await this.admin.resetGroupToTime(
        consumerGroup,
        guichetDeliveryTopic(code),
        from,
      );
      kafka = { consumerGroup, reset: true, partitions };
    } catch (error) {
      // Kafka moves a group's offsets only while none of its consumers runs.
      kafka = { consumerGroup, reset: false, reason: (error as Error).message };
    }
    const cursor = new Map<number, number>();
    for (const { partition } of await this.feed.partitions(code)) {
      cursor.set(partition, await this.feed.lastOffsetBefore(code, partition, from));
    }
    this.logger.log({
      msg: 'replay prepared',
      guichet: code,
      from: from.toISOString(),
      kafkaReset: kafka.reset,
    });
    return { from: from.toISOString(), kafka, feedCursor: encodeCursor(cursor) };
  }
}
