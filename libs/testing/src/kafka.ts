import { TOPIC_SPECS } from '@sne/contracts';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { testStack } from './stack';
import { waitFor } from './wait-for';

/**
 * Kafka for one test file: the platform's topics created under the file's prefix, and a reader
 * that collects what lands on a topic. Topics are deleted by `cleanup()`.
 */
export class TestKafka {
  readonly kafka: Kafka;
  private readonly consumers: Consumer[] = [];

  constructor(readonly topicPrefix: string) {
    this.kafka = new Kafka({
      clientId: `test-${topicPrefix}`,
      brokers: testStack().kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
  }

  topic(name: string): string {
    return `${this.topicPrefix}${name}`;
  }

  async createPlatformTopics(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: TOPIC_SPECS.map((spec) => ({
          topic: this.topic(spec.name),
          numPartitions: Math.min(spec.partitions, 3),
        })),
      });
    } finally {
      await admin.disconnect();
    }
  }

  /** Collects every message of a (prefixed) topic from its beginning, as they arrive. */
  async collect(name: string): Promise<{
    messages: KafkaMessage[];
    waitForCount(count: number, timeoutMs?: number): Promise<KafkaMessage[]>;
  }> {
    const consumer = this.kafka.consumer({
      groupId: `${this.topicPrefix}reader.${name}.${Date.now()}`,
    });
    this.consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic(name), fromBeginning: true });
    const messages: KafkaMessage[] = [];
    await consumer.run({
      eachMessage: ({ message }) => {
        messages.push(message);
        return Promise.resolve();
      },
    });
    return {
      messages,
      waitForCount: (count, timeoutMs = 30_000) =>
        waitFor(() => messages.length >= count && messages, {
          timeoutMs,
          description: `${count} message(s) on ${this.topic(name)} (got ${messages.length})`,
        }),
    };
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.disconnect()));
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const mine = (await admin.listTopics()).filter((topic) => topic.startsWith(this.topicPrefix));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    } finally {
      await admin.disconnect();
    }
  }
}
