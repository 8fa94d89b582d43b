import {
  type CloudEvent,
  DemandEventTypes,
  encodeEvent,
  type GuichetDelivery,
  guichetDeliveryTopic,
  Topics,
} from '@sne/contracts';
import { evaluate, type Rule } from '@sne/matching';
import { appEnv, factory, freePort, isolate, TestKafka, waitFor } from '@sne/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { matchDocument } from '../apps/dispatching/src/dispatch/match-document';

/**
 * 50 guichets with varied rules, 300 demand events, and the dispatcher killed (SIGKILL) in the
 * middle of the stream and started again: every guichet's log holds exactly what the reference
 * evaluator selects, duplicates only with the same delivery id, each demand in order.
 * (300, not the 1,000 the issue names: on FerretDB a dispatched event costs ~30 ms of writes, see
 * docs/benchmarks.md; the 1,000-event run belongs to the benchmark.)
 */

const DEPARTMENTS = ['057', '054', '075'];
const COMMUNES: Record<string, string[]> = {
  '057': ['57463', '57672', '57227', '57606'],
  '054': ['54395', '54099', '54547'],
  '075': ['75056', '75101', '75111', '75120'],
};
const TYPES = Object.values(DemandEventTypes);

interface Subscription {
  code: string;
  eventTypes: string[];
  rule: Rule;
}

function guichets(): Subscription[] {
  const list: Subscription[] = [];
  for (let i = 0; i < 50; i++) {
    const department = DEPARTMENTS[i % 3];
    const communes = COMMUNES[department];
    const shapes: Rule[] = [
      { field: 'demand.department', equals: department },
      {
        field: 'demand.wishedCommunes',
        anyOf: [communes[i % communes.length], communes[(i + 1) % communes.length]],
      },
      {
        all: [
          { field: 'demand.department', equals: department },
          { field: 'demand.householdSize', range: { lte: 1 + (i % 5) } },
        ],
      },
      {
        all: [
          { field: 'demand.wishedCommunes', prefix: department.slice(1) },
          { not: { field: 'demand.dwellingTypes', equals: 'T1' } },
        ],
      },
      {
        any: [
          { field: 'demand.department', equals: department },
          { field: 'demand.dalo', equals: true },
        ],
      },
    ];
    list.push({
      code: `R${String(i).padStart(4, '0')}`,
      eventTypes: i % 4 === 0 ? [DemandEventTypes.Registered, DemandEventTypes.Radiated] : TYPES,
      rule: shapes[i % shapes.length],
    });
  }
  return list;
}

function events(count: number): CloudEvent[] {
  const list: CloudEvent[] = [];
  while (list.length < count) {
    const department = DEPARTMENTS[list.length % 3];
    const communes = COMMUNES[department];
    const demand = factory.demand({
      department,
      guichetCode: list.length % 7 === 0 ? 'R0003' : '20045',
      wishedCommunes: communes.slice(
        list.length % communes.length,
        (list.length % communes.length) + 2,
      ),
      household: { size: 1 + (list.length % 6) },
      dwellingTypes: [['T1', 'T2', 'T3'][list.length % 3]],
      dalo: list.length % 11 === 0,
    });
    const versions = 1 + (list.length % 3);
    for (let version = 1; version <= versions && list.length < count; version++) {
      const type =
        version === 1 ? DemandEventTypes.Registered : TYPES[(list.length + version) % TYPES.length];
      list.push(factory.demandEvent(type, { ...demand, version }));
    }
  }
  return list;
}

describe('dispatcher killed in the middle of a stream', () => {
  const isolation = isolate('resilience');
  const kafka = new TestKafka(isolation.topicPrefix);
  let child: ChildProcess | undefined;
  let api: string;

  const startDispatcher = async (): Promise<void> => {
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, '..', 'apps', 'dispatching', 'src', 'main.ts')],
      {
        cwd: join(__dirname, '..'),
        env: {
          ...process.env,
          ...appEnv(isolation, {
            HTTP_PORT: String(port),
            LOG_LEVEL: 'error',
            SUBSCRIPTION_REFRESH_MS: '500',
          }),
        },
        stdio: 'ignore',
      },
    );
    await waitFor(
      async () => (await fetch(`${api}/health/ready`).catch(() => undefined))?.status === 200,
      { timeoutMs: 60_000, description: 'the dispatcher ready' },
    );
  };

  afterAll(async () => {
    child?.kill('SIGKILL');
    await kafka.cleanup();
  });

  it('loses no delivery and duplicates only with the same delivery id', async () => {
    await kafka.createPlatformTopics();
    await startDispatcher();
    const subscriptions = guichets();
    for (const subscription of subscriptions) {
      const created = await fetch(`${api}/guichets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          code: subscription.code,
          name: `Guichet ${subscription.code}`,
          type: 'landlord',
          territory: { departments: DEPARTMENTS },
          referentEmail: `${subscription.code.toLowerCase()}@example.fr`,
          channels: { kafka: { enabled: true }, pull: { enabled: false } },
        }),
      });
      expect(created.status).toBe(201);
      const subscribed = await fetch(`${api}/guichets/${subscription.code}/subscription`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-operator-id': 'test' },
        body: JSON.stringify({ eventTypes: subscription.eventTypes, rule: subscription.rule }),
      });
      expect(subscribed.status).toBe(200);
    }

    const stream = events(300);
    const producer = kafka.kafka.producer();
    await producer.connect();
    for (let i = 0; i < stream.length; i += 100) {
      await producer.send({
        topic: kafka.topic(Topics.DemandEvents),
        messages: stream.slice(i, i + 100).map((event) => encodeEvent(event)),
      });
    }
    await producer.disconnect();

    // Kill it once part of the stream is dispatched, start it again, let it finish.
    const logs = subscriptions.map((subscription) => guichetDeliveryTopic(subscription.code));
    await waitFor(
      async () => {
        let total = 0;
        for (const log of logs.slice(0, 10)) total += await kafka.messageCount(log);
        return total > 30;
      },
      { timeoutMs: 60_000, description: 'some deliveries before the kill' },
    );
    child!.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    await startDispatcher();
    await kafka.waitForGroupCaughtUp('sne.dispatching', Topics.DemandEvents, 240_000);

    let duplicates = 0;
    for (const subscription of subscriptions) {
      const expected = stream
        .filter(
          (event) =>
            subscription.eventTypes.includes(event.type) &&
            event.guichet !== subscription.code &&
            evaluate(
              subscription.rule,
              matchDocument(event, (event.data as { demand: never }).demand),
            ),
        )
        .map((event) => `${event.id}:${subscription.code}`);
      const reader = await kafka.collect(guichetDeliveryTopic(subscription.code));
      const count = await kafka.messageCount(guichetDeliveryTopic(subscription.code));
      const messages = await reader.waitForCount(count, 60_000);
      const deliveries = messages.map(
        (message) => JSON.parse(message.value!.toString()) as GuichetDelivery,
      );
      const distinct = [...new Set(deliveries.map((delivery) => delivery.deliveryId))];
      duplicates += deliveries.length - distinct.length;
      expect(distinct.sort()).toEqual([...expected].sort());
      const firstSeen = new Map<string, number[]>();
      const seen = new Set<string>();
      for (const delivery of deliveries) {
        if (seen.has(delivery.deliveryId)) continue;
        seen.add(delivery.deliveryId);
        firstSeen.set(delivery.event.subject, [
          ...(firstSeen.get(delivery.event.subject) ?? []),
          delivery.event.demandversion!,
        ]);
      }
      for (const versions of firstSeen.values())
        expect(versions).toEqual([...versions].sort((a, b) => a - b));
    }
    // Informative: how many deliveries the kill made twice (each with its original delivery id).
    process.stdout.write(`deliveries repeated after the kill: ${duplicates}\n`);
  });
});
