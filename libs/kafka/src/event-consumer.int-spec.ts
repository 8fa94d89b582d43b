import { Test, type TestingModule } from '@nestjs/testing';
import { type CloudEvent, DemandEventTypes, KafkaHeaders, Topics } from '@sne/contracts';
import {
  currentCorrelationId,
  PlatformModule,
  ReadinessRegistry,
  UnavailableError,
} from '@sne/platform';
import { factory, isolate, TestKafka, testKafkaSettings, waitFor } from '@sne/testing';
import { EventConsumerFactory } from './event-consumer';
import { EventPublisher } from './event-publisher';
import { KafkaModule } from './kafka.module';

describe(EventConsumerFactory.name, () => {
  const isolation = isolate('event-consumer');
  const kafka = new TestKafka(isolation.topicPrefix);
  let moduleRef: TestingModule;
  let publisher: EventPublisher;
  let consumers: EventConsumerFactory;

  beforeAll(async () => {
    await kafka.createPlatformTopics();
    moduleRef = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot({ appName: 'test', logLevel: 'silent' }),
        KafkaModule.forRoot(testKafkaSettings('event-consumer-test', isolation.topicPrefix)),
      ],
    }).compile();
    await moduleRef.init();
    publisher = moduleRef.get(EventPublisher);
    consumers = moduleRef.get(EventConsumerFactory);
  });

  afterAll(async () => {
    await moduleRef.close();
    await kafka.cleanup();
  });

  it('hands valid events to the handler with their correlation id, in order per demand', async () => {
    const received: Array<{ event: CloudEvent; correlationId: string | undefined }> = [];
    const consumer = consumers.start({
      groupId: 'sne.test.ordered',
      topics: [Topics.DemandEvents],
      handle: (event) => {
        received.push({ event, correlationId: currentCorrelationId() });
        return Promise.resolve();
      },
    });
    await consumer.ready;
    const demand = factory.demand();
    const events = [1, 2, 3].map((version) =>
      factory.demandEvent(
        DemandEventTypes.Updated,
        { ...demand, version },
        { correlationId: `corr-${version}` },
      ),
    );
    await publisher.publish(Topics.DemandEvents, ...events);
    await waitFor(() => received.length >= 3, { description: 'three events handled' });
    expect(received.map((entry) => entry.event.demandversion)).toEqual([1, 2, 3]);
    expect(received.map((entry) => entry.correlationId)).toEqual(['corr-1', 'corr-2', 'corr-3']);
    expect(received[0]?.event).toEqual(events[0]);
    await consumer.stop();
  });

  it('sends a message that is not a valid event to the dead-letter topic and goes on', async () => {
    const deadLetters = await kafka.collect(Topics.DeadLetter);
    const handled: string[] = [];
    const consumer = consumers.start({
      groupId: 'sne.test.poison',
      topics: [Topics.DocumentEvents],
      handle: (event) => {
        handled.push(event.subject);
        return Promise.resolve();
      },
    });
    await consumer.ready;
    const good = {
      ...factory.demandEvent(),
      type: 'sne.document.added.v1',
      subject: '057 1215 000001 10691',
      data: {
        documentId: 'd1',
        numeroUnique: '057 1215 000001 10691',
        category: 'IDD',
        documentType: 'CID',
        sensitive: true,
      },
    } as CloudEvent;
    // Same key, so the poison message sits in the same partition before the good one.
    await publisher.send(Topics.DocumentEvents, [
      {
        key: good.subject,
        value: Buffer.from('{"specversion":"1.0"'),
        headers: { 'correlation-id': 'poison-1' },
      },
    ]);
    await publisher.publish(Topics.DocumentEvents, good);

    await waitFor(() => handled.includes(good.subject), {
      description: 'the good event after the poison one',
    });
    const [dead] = await deadLetters.waitForCount(1);
    const header = (name: string) => dead?.headers?.[name]?.toString();
    expect(header(KafkaHeaders.DeadLetterReason)).toMatch(/^invalid event: \/: not JSON/);
    expect(header(KafkaHeaders.DeadLetterTopic)).toBe(Topics.DocumentEvents);
    expect(header(KafkaHeaders.DeadLetterConsumerGroup)).toBe('sne.test.poison');
    expect(header(KafkaHeaders.CorrelationId)).toBe('poison-1');
    expect(dead?.value?.toString()).toBe('{"specversion":"1.0"');
    await consumer.stop();
  });

  it('retries a failing handler, then dead-letters the event without blocking the next one', async () => {
    const deadLetters = await kafka.collect(Topics.DeadLetter);
    const before = deadLetters.messages.length;
    const attempts = new Map<string, number>();
    const demand = factory.demand();
    const failing = factory.demandEvent(DemandEventTypes.Updated, { ...demand, version: 7 });
    const next = factory.demandEvent(DemandEventTypes.Updated, { ...demand, version: 8 });
    const consumer = consumers.start({
      groupId: 'sne.test.failing',
      topics: [Topics.DemandEvents],
      maxAttempts: 3,
      retryBaseMs: 10,
      handle: (event) => {
        attempts.set(event.id, (attempts.get(event.id) ?? 0) + 1);
        return event.id === failing.id
          ? Promise.reject(new Error('projection store refused'))
          : Promise.resolve();
      },
    });
    await consumer.ready;
    await publisher.publish(Topics.DemandEvents, failing, next);
    await waitFor(() => attempts.get(next.id) === 1, { description: 'the next event handled' });
    expect(attempts.get(failing.id)).toBe(3);
    const dead = (await deadLetters.waitForCount(before + 1)).slice(before);
    const reasons = dead.map((message) =>
      message.headers?.[KafkaHeaders.DeadLetterReason]?.toString(),
    );
    expect(reasons).toContain('handler failed 3 times: projection store refused');
    await consumer.stop();
  });

  it('hands batches to a batch handler, retries it while a server is out of reach, and isolates a poison message', async () => {
    const deadLetters = await kafka.collect(Topics.DeadLetter);
    const demand = factory.demand();
    const events = [1, 2, 3, 4].map((version) =>
      factory.demandEvent(DemandEventTypes.Updated, { ...demand, version }),
    );
    const poison = events[2];
    const ours = (event: CloudEvent) => event.subject === demand.numeroUnique;
    const inBatches: number[] = [];
    const oneByOne: number[] = [];
    let outages = 1;
    const consumer = consumers.start({
      groupId: 'sne.test.batch',
      topics: [Topics.DemandEvents],
      maxAttempts: 2,
      retryBaseMs: 10,
      handle: (event) => {
        if (event.id === poison.id) return Promise.reject(new Error('cannot store'));
        if (ours(event)) oneByOne.push(event.demandversion!);
        return Promise.resolve();
      },
      handleBatch: (items) => {
        if (!items.some((item) => ours(item.value))) return Promise.resolve();
        if (outages-- > 0) return Promise.reject(new UnavailableError('store restarting'));
        if (items.some((item) => item.value.id === poison.id))
          return Promise.reject(new Error('cannot store'));
        inBatches.push(
          ...items.filter((item) => ours(item.value)).map((item) => item.value.demandversion!),
        );
        return Promise.resolve();
      },
    });
    await consumer.ready;
    await publisher.publish(Topics.DemandEvents, ...events);
    await waitFor(() => [...inBatches, ...oneByOne].includes(4), {
      description: 'the event after the poison one',
    });
    expect(outages).toBeLessThan(0);
    expect([...inBatches, ...oneByOne].sort()).toEqual([1, 2, 4]);
    const dead = await waitFor(
      () => {
        const mine = deadLetters.messages.filter(
          (message) => message.key?.toString() === demand.numeroUnique,
        );
        return mine.length > 0 && mine;
      },
      { description: 'the poison message dead-lettered' },
    );
    expect(
      dead.map((message) => message.headers?.[KafkaHeaders.DeadLetterReason]?.toString()),
    ).toEqual(['handler failed 2 times: cannot store']);
    await consumer.stop();
  });

  it('waits for a topic that does not exist yet, not ready meanwhile, then consumes it', async () => {
    const readiness = moduleRef.get(ReadinessRegistry);
    const handled: string[] = [];
    const late = `${Topics.NoticeEvents}.late`;
    const consumer = consumers.start({
      groupId: 'sne.test.late',
      topics: [late],
      handle: (event) => {
        handled.push(event.id);
        return Promise.resolve();
      },
    });
    const check = readiness.all().find((probe) => probe.name === 'consumer:sne.test.late');
    await expect(check?.check()).rejects.toThrow(/starting|not subscribed yet/);

    const admin = kafka.kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: kafka.topic(late), numPartitions: 1 }],
    });
    await admin.disconnect();
    await consumer.ready;
    await expect(check?.check()).resolves.toBeUndefined();

    const event = factory.demandEvent();
    await publisher.publish(late, event);
    await waitFor(() => handled.includes(event.id), { description: 'the event on the late topic' });
    await consumer.stop();
    expect(readiness.all().some((probe) => probe.name === 'consumer:sne.test.late')).toBe(false);
  });
});
