import type { INestApplication } from '@nestjs/common';
import {
  type CloudEvent,
  DemandEventTypes,
  encodeEvent,
  type GuichetDelivery,
  Topics,
} from '@sne/contracts';
import { appEnv, factory, isolate, operatorAuth, startApp, TestKafka, waitFor } from '@sne/testing';
import type { Producer } from 'kafkajs';
import type { IncomingHttpHeaders } from 'node:http';
import { AppModule } from '../apps/dispatching/src/app.module';
import { loadDispatchingConfig } from '../apps/dispatching/src/config';
import {
  signedWith,
  type WebhookAnswer,
  type WebhookCall,
  WebhookReceiver,
} from './support/webhook-receiver';

type Mode = 'ok' | 'fail' | 'gone' | 'close' | 'slow';

/** A guichet's webhook receiver, verifying signatures with the Standard Webhooks library. */
class Receiver {
  mode: Mode = 'ok';
  secrets: string[] = [];
  readonly received: Array<{
    delivery: GuichetDelivery;
    headers: IncomingHttpHeaders;
    verifiedWith: number[];
  }> = [];
  refused = 0;
  private readonly endpoint = new WebhookReceiver((call) => this.answer(call));

  start(): Promise<string> {
    return this.endpoint.start('/sne/webhook');
  }

  stop(): Promise<void> {
    return this.endpoint.stop();
  }

  private async answer(call: WebhookCall): Promise<WebhookAnswer> {
    const mode = this.mode;
    if (mode === 'close') return 'close';
    if (mode === 'fail' || mode === 'gone') {
      this.refused++;
      return mode === 'gone' ? 410 : 500;
    }
    if (mode === 'slow') await new Promise((resolve) => setTimeout(resolve, 1_000));
    const verifiedWith = this.secrets.flatMap((secret, index) =>
      signedWith(call, secret) ? [index] : [],
    );
    if (verifiedWith.length === 0) return 401;
    this.received.push({
      delivery: JSON.parse(call.body) as GuichetDelivery,
      headers: call.headers,
      verifiedWith,
    });
    return 204;
  }

  /** What a receiver keeps: each delivery once (a timed-out attempt may arrive twice). */
  of(subject: string) {
    const seen = new Set<string>();
    return this.received.filter((entry) => {
      if (entry.delivery.event.subject !== subject || seen.has(entry.delivery.deliveryId))
        return false;
      seen.add(entry.delivery.deliveryId);
      return true;
    });
  }
}

describe('webhooks', () => {
  const isolation = isolate('webhooks');
  const kafka = new TestKafka(isolation.topicPrefix);
  const receiver = new Receiver();
  let app: INestApplication;
  let api: string;
  let producer: Producer;

  const http = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...operatorAuth() },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {} };
  };
  const publish = (...events: CloudEvent[]) =>
    producer.send({
      topic: kafka.topic(Topics.DemandEvents),
      messages: events.map((event) => encodeEvent(event)),
    });
  const demandEvents = (count: number) => {
    const demand = factory.demand({ department: '057', guichetCode: '20045' });
    return Array.from({ length: count }, (_, i) =>
      factory.demandEvent(i === 0 ? DemandEventTypes.Registered : DemandEventTypes.Updated, {
        ...demand,
        version: i + 1,
      }),
    );
  };
  const expectInOrder = (subject: string, count: number) => {
    const versions = receiver.of(subject).map((entry) => entry.delivery.event.demandversion);
    expect(versions).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  };

  beforeAll(async () => {
    await kafka.createPlatformTopics();
    const url = await receiver.start();
    const config = loadDispatchingConfig(
      appEnv(isolation, {
        SUBSCRIPTION_REFRESH_MS: '300',
        WEBHOOK_TIMEOUT_MS: '300',
        WEBHOOK_MAX_ATTEMPTS: '6',
        WEBHOOK_BACKOFF_BASE_MS: '100',
        WEBHOOK_BACKOFF_CAP_MS: '400',
      }),
    );
    ({ app, url: api } = await startApp(AppModule.forRoot(config)));
    producer = kafka.kafka.producer();
    await producer.connect();
    const created = await http('POST', '/guichets', {
      code: 'W5701',
      name: 'Bailleur à webhook',
      type: 'landlord',
      territory: { departments: ['057'] },
      referentEmail: 'referent.w5701@example.fr',
      channels: {
        kafka: { enabled: true },
        pull: { enabled: false },
        webhook: { enabled: true, url },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.webhookSecret).toMatch(/^whsec_/);
    receiver.secrets = [created.body.webhookSecret];
    await http('PUT', '/guichets/W5701/subscription', {
      eventTypes: Object.values(DemandEventTypes),
      rule: { field: 'demand.department', equals: '057' },
    });
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    await receiver.stop();
    await kafka.cleanup();
  });

  it('posts every selected delivery, signed, with its delivery id as webhook-id, in order per demand', async () => {
    const demands = [demandEvents(4), demandEvents(3), demandEvents(5)];
    await publish(...demands.flat());
    for (const events of demands) {
      await waitFor(() => receiver.of(events[0].subject).length >= events.length, {
        description: 'deliveries of a demand',
      });
      expectInOrder(events[0].subject, events.length);
    }
    const first = receiver.of(demands[0][0].subject)[0];
    expect(first.headers['webhook-id']).toBe(`${demands[0][0].id}:W5701`);
    expect(first.verifiedWith).toEqual([0]);
    expect((await http('GET', '/guichets/W5701/webhook')).body).toMatchObject({
      enabled: true,
      guichetCode: 'W5701',
    });
  });

  it('retries through 500s, dropped connections and timeouts, and delivers everything in order after recovery', async () => {
    receiver.mode = 'fail';
    const events = demandEvents(4);
    await publish(...events);
    await waitFor(() => receiver.refused >= 2, { description: 'refused attempts' });
    receiver.mode = 'close';
    await new Promise((resolve) => setTimeout(resolve, 300));
    receiver.mode = 'slow';
    await new Promise((resolve) => setTimeout(resolve, 400));
    receiver.mode = 'ok';
    await waitFor(() => receiver.of(events[0].subject).length >= 4, {
      timeoutMs: 30_000,
      description: 'all four after recovery',
    });
    expectInOrder(events[0].subject, 4);
    const state = (await http('GET', '/guichets/W5701/webhook')).body;
    expect(state.failingSince).toBeUndefined();
  });

  it('keeps a delivery whose attempts ran out as a dead letter, and sends it again on request', async () => {
    receiver.mode = 'fail';
    const [event] = demandEvents(1);
    await publish(event);
    const letters = await waitFor(
      async () => {
        const response = await http('GET', '/guichets/W5701/webhook/dead-letters');
        return response.body.deadLetters.find(
          (letter: { deliveryId: string }) => letter.deliveryId === `${event.id}:W5701`,
        );
      },
      { timeoutMs: 30_000, description: 'the dead letter' },
    );
    expect(letters.reason).toBe('HTTP 500');
    expect(letters.attempts).toBe(6);
    receiver.mode = 'ok';
    expect(
      (await http('POST', `/guichets/W5701/webhook/dead-letters/${event.id}:W5701/retry`)).status,
    ).toBe(202);
    await waitFor(() => receiver.of(event.subject).length === 1, {
      description: 'the retried delivery',
    });
    expect((await http('GET', '/guichets/W5701/webhook/dead-letters')).body.deadLetters).toEqual(
      [],
    );
  });

  it('signs with both secrets during a rotation', async () => {
    const rotated = await http('POST', '/guichets/W5701/webhook/secrets');
    expect(rotated.status).toBe(201);
    receiver.secrets = [...receiver.secrets, rotated.body.secret];
    const [event] = demandEvents(1);
    await publish(event);
    await waitFor(() => receiver.of(event.subject).length === 1, {
      description: 'a delivery after rotation',
    });
    expect(receiver.of(event.subject)[0].verifiedWith).toEqual([0, 1]);
    expect(
      String(receiver.of(event.subject)[0].headers['webhook-signature']).split(' '),
    ).toHaveLength(2);
  });

  it('disables the endpoint when it answers 410 Gone, and can be enabled again', async () => {
    receiver.mode = 'gone';
    const [event] = demandEvents(1);
    await publish(event);
    const state = await waitFor(
      async () => {
        const response = await http('GET', '/guichets/W5701/webhook');
        return response.body.disabledAt && response.body;
      },
      { timeoutMs: 20_000, description: 'the endpoint disabled' },
    );
    expect(state).toMatchObject({
      enabled: false,
      disabledReason: 'the endpoint answered 410 Gone',
    });
    receiver.mode = 'ok';
    expect((await http('POST', '/guichets/W5701/webhook/enable')).body.enabled).toBe(true);
  });
});
