import { Test, type TestingModule } from '@nestjs/testing';
import { PlatformModule } from '@sne/platform';
import { isolate, TestKafka, testKafkaSettings } from '@sne/testing';
import { KafkaModule } from './kafka.module';
import { TopicAdmin } from './topic-admin';

describe(TopicAdmin.name, () => {
  const isolation = isolate('topic-admin');
  const kafka = new TestKafka(isolation.topicPrefix);
  let moduleRef: TestingModule;
  let admin: TopicAdmin;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot({ appName: 'test', logLevel: 'silent' }),
        KafkaModule.forRoot(testKafkaSettings('topic-admin-test', isolation.topicPrefix)),
      ],
    }).compile();
    await moduleRef.init();
    admin = moduleRef.get(TopicAdmin);
    await admin.ensureTopics([
      { name: 'lag.a', partitions: 2, retentionDays: 1 },
      { name: 'lag.b', partitions: 1, retentionDays: 1 },
    ]);
    const producer = kafka.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: kafka.topic('lag.a'),
      messages: [0, 1, 2, 3, 4].map((n) => ({ partition: n % 2, value: `a${n}` })),
    });
    await producer.send({
      topic: kafka.topic('lag.b'),
      messages: [0, 1, 2].map((n) => ({ value: `b${n}` })),
    });
    await producer.disconnect();
    // One group has read two messages of each partition of lag.a, and nothing of lag.b.
    const kafkaAdmin = kafka.kafka.admin();
    await kafkaAdmin.connect();
    await kafkaAdmin.setOffsets({
      groupId: kafka.topic('lag.reader'),
      topic: kafka.topic('lag.a'),
      partitions: [
        { partition: 0, offset: '2' },
        { partition: 1, offset: '2' },
      ],
    });
    await kafkaAdmin.disconnect();
  });

  afterAll(async () => {
    await moduleRef.close();
    await kafka.cleanup();
  });

  it('gives several groups their lag at once, each topic as its committed offsets leave it', async () => {
    const [reader, stranger, none] = await admin.groupsLag([
      { groupId: 'lag.reader', topics: ['lag.a', 'lag.b'] },
      { groupId: 'lag.stranger', topics: ['lag.a'] },
      { groupId: 'lag.nothing', topics: [] },
    ]);
    expect(reader).toEqual([
      { topic: 'lag.a', lag: 1, endOffset: 5 },
      { topic: 'lag.b', lag: 3, endOffset: 3 },
    ]);
    expect(stranger).toEqual([{ topic: 'lag.a', lag: 5, endOffset: 5 }]);
    expect(none).toEqual([]);
    expect(await admin.groupLag('lag.reader', ['lag.b'])).toEqual([
      { topic: 'lag.b', lag: 3, endOffset: 3 },
    ]);
  });
});
