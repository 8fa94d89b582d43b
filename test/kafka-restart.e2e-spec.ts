import type { INestApplication } from '@nestjs/common';
import { guichetDeliveryTopic, Topics } from '@sne/contracts';
import { appEnv, isolate, PrivateKafka, startApp, TestKafka, waitFor } from '@sne/testing';
import { AppModule } from '../apps/dispatching/src/app.module';
import { loadDispatchingConfig } from '../apps/dispatching/src/config';
import {
  events,
  expectLogsAndFeeds,
  guichets,
  publishEvents,
  registerGuichets,
} from './support/dispatch-workload';

/**
 * The broker stopped and started again in the middle of a stream (its own broker, so the shared
 * one is not disturbed): the dispatcher and the feed writer wait for it, then every guichet's log
 * and feed hold exactly what the reference evaluator selects. Nothing goes to the dead-letter
 * topic for want of a broker.
 */
describe('Kafka restarted during a load', () => {
  const isolation = isolate('kafka-restart');
  let broker: PrivateKafka;
  let kafka: TestKafka;
  let app: INestApplication;
  let api: string;
  const subscriptions = guichets().slice(0, 15);

  beforeAll(async () => {
    broker = await PrivateKafka.start();
    kafka = new TestKafka(isolation.topicPrefix, broker.brokers);
    await kafka.createPlatformTopics();
    const config = loadDispatchingConfig(
      appEnv(isolation, {
        KAFKA_BROKERS: broker.brokers.join(','),
        SUBSCRIPTION_REFRESH_MS: '300',
      }),
    );
    ({ app, url: api } = await startApp(AppModule.forRoot(config)));
    await registerGuichets(api, subscriptions, () => ({
      kafka: { enabled: true },
      pull: { enabled: true },
    }));
  });

  afterAll(async () => {
    await app?.close();
    await kafka?.cleanup();
    await broker?.destroy();
  });

  it('loses nothing and dead-letters nothing', async () => {
    const stream = events(1_000);
    const producer = kafka.kafka.producer({ retry: { retries: 30 } });
    await producer.connect();
    await publishEvents(producer, kafka, stream.slice(0, 500));
    await waitFor(
      async () => (await kafka.messageCount(guichetDeliveryTopic(subscriptions[0].code))) > 0,
      { description: 'dispatching under way' },
    );
    await broker.stop();
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await broker.start();
    await publishEvents(producer, kafka, stream.slice(500));
    await producer.disconnect();
    await kafka.waitForGroupCaughtUp('sne.dispatching', Topics.DemandEvents, 240_000);

    await expectLogsAndFeeds(kafka, subscriptions, stream, api);
    expect(await kafka.messageCount(Topics.DeadLetter)).toBe(0);
  }, 600_000);
});
