import type { INestApplication } from '@nestjs/common';
import { type GuichetDelivery, Topics } from '@sne/contracts';
import { appEnv, isolate, startApp, TestKafka, waitFor } from '@sne/testing';
import { AppModule } from '../apps/dispatching/src/app.module';
import { loadDispatchingConfig } from '../apps/dispatching/src/config';
import {
  events,
  expectDelivered,
  expectedDeliveryIds,
  expectLogsAndFeeds,
  guichets,
  publishEvents,
  registerGuichets,
} from './support/dispatch-workload';
import { signedWith, type WebhookCall, WebhookReceiver } from './support/webhook-receiver';

/** Guichets whose webhook endpoint answers 503 for a while after the first call it gets. */
const DOWN_FOR_A_WHILE = new Set(['R0000', 'R0001', 'R0002', 'R0003', 'R0004']);
const DOWN_MS = 8_000;

/**
 * The guichets' webhook endpoints, one path each, checking signatures with the Standard Webhooks
 * library as a guichet's software would; an unsigned or wrongly signed call is refused (401).
 */
class Receivers {
  readonly received = new Map<string, GuichetDelivery[]>();
  readonly secrets = new Map<string, string>();
  refusedWhileDown = 0;
  badSignatures = 0;
  private readonly downUntil = new Map<string, number>();
  private readonly endpoint = new WebhookReceiver((call) => this.answer(call));

  start(): Promise<string> {
    return this.endpoint.start('/hooks');
  }

  stop(): Promise<void> {
    return this.endpoint.stop();
  }

  private answer(call: WebhookCall): number {
    const code = call.path.split('/').pop()!;
    if (DOWN_FOR_A_WHILE.has(code) && !this.downUntil.has(code))
      this.downUntil.set(code, Date.now() + DOWN_MS);
    if (Date.now() < (this.downUntil.get(code) ?? 0)) {
      this.refusedWhileDown++;
      return 503;
    }
    if (!signedWith(call, this.secrets.get(code)!)) {
      this.badSignatures++;
      return 401;
    }
    this.received.set(code, [
      ...(this.received.get(code) ?? []),
      JSON.parse(call.body) as GuichetDelivery,
    ]);
    return 204;
  }

  distinct(code: string): number {
    return new Set((this.received.get(code) ?? []).map((delivery) => delivery.deliveryId)).size;
  }
}

/**
 * 50 guichets with varied rules, 1,000 demand events, all three channels at once: each guichet's
 * Kafka log, its pull feed and its webhook endpoint each hold exactly what the reference evaluator
 * selects, each demand in order; webhook signatures verify with the receiver's library; endpoints
 * down for 8 seconds from their first call get everything after they recover.
 */
describe('fan-out to 50 guichets over the three channels', () => {
  const isolation = isolate('channels');
  const kafka = new TestKafka(isolation.topicPrefix);
  const receivers = new Receivers();
  let app: INestApplication;
  let api: string;

  beforeAll(async () => {
    await kafka.createPlatformTopics();
    const hooks = await receivers.start();
    const config = loadDispatchingConfig(
      appEnv(isolation, {
        SUBSCRIPTION_REFRESH_MS: '300',
        WEBHOOK_TIMEOUT_MS: '5000',
        WEBHOOK_MAX_ATTEMPTS: '60',
        WEBHOOK_BACKOFF_BASE_MS: '200',
        WEBHOOK_BACKOFF_CAP_MS: '2000',
      }),
    );
    ({ app, url: api } = await startApp(AppModule.forRoot(config)));
    const secrets = await registerGuichets(api, guichets(), (subscription) => ({
      kafka: { enabled: true },
      pull: { enabled: true },
      webhook: { enabled: true, url: `${hooks}/${subscription.code}` },
    }));
    for (const [code, secret] of secrets) receivers.secrets.set(code, secret);
  });

  afterAll(async () => {
    await app?.close();
    await receivers.stop();
    await kafka.cleanup();
  });

  it('delivers exactly what the reference selects, in order per demand, on every channel', async () => {
    const subscriptions = guichets();
    const stream = events(1_000);
    const producer = kafka.kafka.producer();
    await producer.connect();
    await publishEvents(producer, kafka, stream);
    await producer.disconnect();
    const started = Date.now();
    const progress = (step: string) =>
      process.stdout.write(`${step}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    await kafka.waitForGroupCaughtUp('sne.dispatching', Topics.DemandEvents, 240_000);
    progress('dispatched');

    await expectLogsAndFeeds(kafka, subscriptions, stream, api);
    progress('logs and feeds checked');
    let expectedTotal = 0;
    for (const subscription of subscriptions) {
      const expected = expectedDeliveryIds(subscription, stream);
      expectedTotal += expected.length;
      await waitFor(() => receivers.distinct(subscription.code) >= expected.length, {
        timeoutMs: 180_000,
        description: `the webhooks of ${subscription.code}`,
      });
      expectDelivered(receivers.received.get(subscription.code) ?? [], expected);
    }
    progress('every channel checked');
    expect(expectedTotal).toBeGreaterThan(5_000);
    expect(receivers.refusedWhileDown).toBeGreaterThan(0);
    expect(receivers.badSignatures).toBe(0);
  }, 900_000);
});
