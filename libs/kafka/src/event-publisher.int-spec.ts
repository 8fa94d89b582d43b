import { Test, type TestingModule } from '@nestjs/testing';
import { PlatformModule } from '@sne/platform';
import { isolate, TestKafka, testKafkaSettings } from '@sne/testing';
import { EventPublisher, type RawMessage } from './event-publisher';
import { KafkaModule } from './kafka.module';
import { TopicAdmin } from './topic-admin';

describe(EventPublisher.name, () => {
  const isolation = isolate('event-publisher');
  const kafka = new TestKafka(isolation.topicPrefix);
  let moduleRef: TestingModule;
  let publisher: EventPublisher;

  const messages = (count: number, bytes: number, prefix: string): RawMessage[] =>
    Array.from({ length: count }, (_, i) => ({
      key: 'one-key',
      value: Buffer.from(`${prefix}${i}:`.padEnd(bytes, 'x')),
      headers: { n: String(i) },
    }));

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot({ appName: 'test', logLevel: 'silent' }),
        KafkaModule.forRoot(testKafkaSettings('event-publisher-test', isolation.topicPrefix)),
      ],
    }).compile();
    await moduleRef.init();
    publisher = moduleRef.get(EventPublisher);
    await moduleRef.get(TopicAdmin).ensureTopics([
      { name: 'publisher.a', partitions: 1, retentionDays: 1 },
      { name: 'publisher.b', partitions: 1, retentionDays: 1 },
    ]);
  });

  afterAll(async () => {
    await moduleRef.close();
    await kafka.cleanup();
  });

  it('sends a fan-out over the broker message limit, every message once and in order', async () => {
    // 3 MB for one partition of each topic: three times the broker's message.max.bytes.
    await publisher.sendBatch([
      { topic: 'publisher.a', messages: messages(1_500, 2_000, 'a') },
      { topic: 'publisher.b', messages: messages(1_500, 2_000, 'b') },
    ]);
    const logs = await kafka.readAll(['publisher.a', 'publisher.b']);
    for (const [topic, prefix] of [
      ['publisher.a', 'a'],
      ['publisher.b', 'b'],
    ] as const)
      expect(logs.get(topic)!.map((m) => m.value!.toString().split(':')[0])).toEqual(
        Array.from({ length: 1_500 }, (_, i) => `${prefix}${i}`),
      );
  });

  it('still sends after the broker refused part of a request', async () => {
    // publisher.a takes its message, publisher.b refuses its own: the request fails as a whole.
    await expect(
      publisher.sendBatch([
        { topic: 'publisher.a', messages: messages(5, 100, 'accepted') },
        { topic: 'publisher.b', messages: messages(1, 1_200_000, 'too-large') },
      ]),
    ).rejects.toThrow(/larger than the max message size/);
    await publisher.sendBatch([
      { topic: 'publisher.a', messages: messages(2, 100, 'after') },
      { topic: 'publisher.b', messages: messages(2, 100, 'after') },
    ]);
    const logs = await kafka.readAll(['publisher.a', 'publisher.b']);
    expect(
      logs
        .get('publisher.a')!
        .slice(-3)
        .map((m) => m.value!.toString().split(':')[0]),
    ).toEqual(['accepted4', 'after0', 'after1']);
    expect(
      logs
        .get('publisher.b')!
        .slice(-2)
        .map((m) => m.value!.toString().split(':')[0]),
    ).toEqual(['after0', 'after1']);
  });
});
