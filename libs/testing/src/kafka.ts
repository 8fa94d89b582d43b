import { type AppName, type AuditRecordData, TOPIC_SPECS, Topics } from '@sne/contracts';
import { KafkaAccessAdmin, type KafkaSettings, serviceUser } from '@sne/kafka';
import { servicePasswords } from '../../../scripts/kafka-access';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { type Isolation, testStack } from './stack';
import { waitFor } from './wait-for';

/**
 * Kafka for one test file: the platform's topics created under the file's prefix, and a reader
 * that collects what lands on a topic. Topics are deleted by `cleanup()`.
 */
export class TestKafka {
  readonly kafka: Kafka;
  private readonly consumers: Consumer[] = [];
  private auditTopic: Promise<{ messages: KafkaMessage[] }> | undefined;

  constructor(
    readonly topicPrefix: string,
    brokers: string[] = testStack().kafkaBrokers,
  ) {
    const admin = testStack().kafkaAdmin;
    this.kafka = new Kafka({
      clientId: `test-${topicPrefix}`,
      brokers,
      logLevel: logLevel.NOTHING,
      ...(admin ? { sasl: { ...admin } } : {}),
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

  /**
   * The audit entries the apps of this file published (the audit topic, as the audit-trail app
   * gathers it) that match, once at least `atLeast` of them are there: entries travel through
   * each app's outbox, a moment after the read they record.
   */
  async auditEntries(
    matches: (entry: AuditRecordData) => boolean,
    atLeast = 1,
    timeoutMs = 30_000,
  ): Promise<AuditRecordData[]> {
    this.auditTopic ??= this.collect(Topics.AuditTrail);
    const { messages } = await this.auditTopic;
    const matching = () =>
      messages
        .map((message) => (JSON.parse(message.value!.toString()) as { data: AuditRecordData }).data)
        .filter(matches)
        .sort((a, b) => a.at.localeCompare(b.at));
    return waitFor(() => (matching().length >= atLeast ? matching() : undefined), {
      timeoutMs,
      description: `${atLeast} matching audit entr(ies) on ${this.topic(Topics.AuditTrail)}`,
    });
  }

  /**
   * Everything several topics hold now, read by one consumer (one group join instead of one per
   * topic), by topic name.
   */
  async readAll(
    names: readonly string[],
    timeoutMs = 60_000,
  ): Promise<Map<string, KafkaMessage[]>> {
    const expected = new Map<string, number>();
    for (const name of names) expected.set(this.topic(name), await this.messageCount(name));
    const received = new Map<string, KafkaMessage[]>(
      [...expected.keys()].map((topic) => [topic, []]),
    );
    const consumer = this.kafka.consumer({
      groupId: `${this.topicPrefix}reader.all.${Date.now()}`,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [...expected.keys()], fromBeginning: true });
      await consumer.run({
        eachMessage: ({ topic, message }) => {
          received.get(topic)?.push(message);
          return Promise.resolve();
        },
      });
      await waitFor(
        () => [...expected].every(([topic, count]) => received.get(topic)!.length >= count),
        { timeoutMs, description: `every message of ${names.length} topics` },
      );
    } finally {
      await consumer.disconnect();
    }
    return new Map(names.map((name) => [name, received.get(this.topic(name))!]));
  }

  /** How many messages a (prefixed) topic holds in all: the sum of its partitions' end offsets. */
  async messageCount(name: string): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(this.topic(name));
      return offsets.reduce(
        (sum, partition) => sum + Number(partition.high) - Number(partition.low),
        0,
      );
    } finally {
      await admin.disconnect();
    }
  }

  /** Resolves when a consumer group has committed every message of a topic: all of it is handled. */
  async waitForGroupCaughtUp(groupId: string, name: string, timeoutMs = 60_000): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const [ends, committed] = await Promise.all([
            admin.fetchTopicOffsets(this.topic(name)),
            admin.fetchOffsets({
              groupId: `${this.topicPrefix}${groupId}`,
              topics: [this.topic(name)],
            }),
          ]);
          const done = new Map(
            committed[0]?.partitions.map((partition) => [
              partition.partition,
              Number(partition.offset),
            ]),
          );
          return ends.every(
            (end) => Number(end.high) === 0 || (done.get(end.partition) ?? -1) >= Number(end.high),
          );
        },
        { timeoutMs, intervalMs: 200, description: `group ${groupId} to finish ${name}` },
      );
    } finally {
      await admin.disconnect();
    }
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
    // The ACLs granted under the prefix (services' and guichets') go with its topics.
    const access = new KafkaAccessAdmin(testKafkaSettings('test-cleanup', this.topicPrefix));
    try {
      await access.deleteAcls(
        (await access.aclsOf('User:')).filter((acl) =>
          acl.resourceName.startsWith(this.topicPrefix),
        ),
      );
    } finally {
      await access.close();
    }
  }
}

/** Settings of a Kafka client of a test, connected as the broker's admin. */
export function testKafkaSettings(clientId: string, topicPrefix: string): KafkaSettings {
  const stack = testStack();
  return {
    brokers: stack.kafkaBrokers,
    clientId,
    ssl: false,
    topicPrefix,
    ...(stack.kafkaAdmin ? { sasl: { ...stack.kafkaAdmin } } : {}),
  };
}

/**
 * The environment overrides with which an app connects as its own principal (`sne-<app>`, the
 * run directory's password, scripts/kafka-access.ts) instead of the admin, its ACLs granted under
 * the test file's topic prefix: what the app may do on the broker is then what production allows.
 */
export async function kafkaServiceEnv(
  app: AppName,
  isolation: Isolation,
): Promise<Record<string, string>> {
  const password = servicePasswords()[app];
  const admin = new KafkaAccessAdmin(testKafkaSettings('test-access', isolation.topicPrefix));
  try {
    await admin.provisionService(app, password, isolation.topicPrefix);
  } finally {
    await admin.close();
  }
  return { KAFKA_SASL_USERNAME: serviceUser(app), KAFKA_SASL_PASSWORD: password };
}
