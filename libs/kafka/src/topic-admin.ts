import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type Admin, Kafka } from 'kafkajs';
import { KAFKA_SETTINGS, type KafkaSettings } from './kafka-settings';

export interface TopicToEnsure {
  readonly name: string;
  readonly partitions: number;
  readonly retentionDays?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Topic creation and cluster probes, through one long-lived admin client. */
export interface GroupTopicLag {
  readonly topic: string;
  /** Messages not yet committed by the group. */
  readonly lag: number;
  /** The sum of the partitions' end offsets. */
  readonly endOffset: number;
}

@Injectable()
export class TopicAdmin implements OnModuleDestroy {
  private readonly logger = new Logger(TopicAdmin.name);
  private admin: Admin | undefined;
  private connecting: Promise<Admin> | undefined;

  constructor(
    private readonly kafka: Kafka,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
  ) {}

  topic(name: string): string {
    return `${this.settings.topicPrefix}${name}`;
  }

  /** Creates the missing topics (prefixed); existing ones are left as they are. */
  async ensureTopics(topics: readonly TopicToEnsure[]): Promise<string[]> {
    const admin = await this.client();
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(this.topic(topic.name)));
    if (missing.length === 0) {
      return [];
    }
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic: this.topic(topic.name),
        numPartitions: topic.partitions,
        configEntries: topic.retentionDays
          ? [{ name: 'retention.ms', value: String(topic.retentionDays * DAY_MS) }]
          : [],
      })),
    });
    const created = missing.map((topic) => this.topic(topic.name));
    this.logger.log({ msg: 'topics created', topics: created });
    return created;
  }

  /**
   * Moves a consumer group back (or forward) to the first message at or after `date` on a topic.
   * Kafka refuses while the group has members: the caller says so to the user.
   */
  async resetGroupToTime(
    groupId: string,
    topicName: string,
    date: Date,
  ): Promise<Array<{ partition: number; offset: string }>> {
    const admin = await this.client();
    const topic = this.topic(topicName);
    const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, date.getTime());
    const partitions = offsets.map(({ partition, offset }) => ({ partition, offset }));
    await admin.setOffsets({
      groupId: `${this.settings.topicPrefix}${groupId}`,
      topic,
      partitions,
    });
    return partitions;
  }

  /**
   * How far behind a consumer group is on each of the topics: per topic, the sum over partitions
   * between its committed offsets and the ends of the partitions. A group that never committed on
   * a topic is behind by everything the topic holds.
   */
  async groupLag(groupId: string, topicNames: readonly string[]): Promise<GroupTopicLag[]> {
    return (await this.groupsLag([{ groupId, topics: topicNames }]))[0];
  }

  /**
   * The lag of several groups at once, groups and topics in the order asked: each topic's end
   * offsets are read once however many groups read it, then one offset fetch per group, all at
   * the same time.
   */
  async groupsLag(
    reads: ReadonlyArray<{ groupId: string; topics: readonly string[] }>,
  ): Promise<GroupTopicLag[][]> {
    const admin = await this.client();
    const names = [...new Set(reads.flatMap((read) => read.topics))];
    const ends = new Map(
      await Promise.all(
        names.map(async (name) => [name, await admin.fetchTopicOffsets(this.topic(name))] as const),
      ),
    );
    return Promise.all(
      reads.map(async ({ groupId, topics }) => {
        if (topics.length === 0) return [];
        const committed = await admin.fetchOffsets({
          groupId: `${this.settings.topicPrefix}${groupId}`,
          topics: topics.map((name) => this.topic(name)),
        });
        const byTopic = new Map(committed.map(({ topic, partitions }) => [topic, partitions]));
        return topics.map((name) => {
          const partitions = byTopic.get(this.topic(name)) ?? [];
          let lag = 0;
          let endOffset = 0;
          for (const end of ends.get(name) ?? []) {
            const high = Number(end.high);
            const low = Number(end.low);
            const at = Number(partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
            endOffset += high;
            lag += high - (at < 0 ? low : Math.max(at, low));
          }
          return { topic: name, lag, endOffset };
        });
      }),
    );
  }

  /** Resolves when a broker answers a metadata request. */
  async probe(): Promise<void> {
    try {
      const admin = await this.client();
      await admin.describeCluster();
    } catch (error) {
      await this.reset();
      throw error;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.reset();
  }

  private async client(): Promise<Admin> {
    if (this.admin) {
      return this.admin;
    }
    this.connecting ??= (async () => {
      const admin = this.kafka.admin({ retry: { retries: 1 } });
      await admin.connect();
      this.admin = admin;
      return admin;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async reset(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}
