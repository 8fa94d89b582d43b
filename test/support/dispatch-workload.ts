import {
  type CloudEvent,
  DemandEventTypes,
  encodeEvent,
  type GuichetDelivery,
  guichetDeliveryTopic,
  Topics,
} from '@sne/contracts';
import { evaluate, type Rule } from '@sne/matching';
import { factory, guichetAuth, operatorAuth, type TestKafka, waitFor } from '@sne/testing';
import type { Producer } from 'kafkajs';
import { matchDocument } from '../../apps/dispatching/src/dispatch/match-document';

/**
 * The dispatch workload of the end-to-end tests: 50 guichets over three departments with rules of
 * five shapes (equality, any-of on a list field, range, prefix with a negation, or), and a stream
 * of demand events, one to three versions per demand, some caused by one of the guichets.
 */

export const DEPARTMENTS = ['057', '054', '075'];
const COMMUNES: Record<string, string[]> = {
  '057': ['57463', '57672', '57227', '57606'],
  '054': ['54395', '54099', '54547'],
  '075': ['75056', '75101', '75111', '75120'],
};
const TYPES = Object.values(DemandEventTypes);

export interface Subscription {
  code: string;
  eventTypes: string[];
  rule: Rule;
}

export function guichets(): Subscription[] {
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

export function events(count: number): CloudEvent[] {
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

/** The delivery ids the reference evaluator selects for a guichet, in stream order. */
export function expectedDeliveryIds(subscription: Subscription, stream: readonly CloudEvent[]) {
  return stream
    .filter(
      (event) =>
        subscription.eventTypes.includes(event.type) &&
        event.guichet !== subscription.code &&
        evaluate(subscription.rule, matchDocument(event, (event.data as { demand: never }).demand)),
    )
    .map((event) => `${event.id}:${subscription.code}`);
}

/**
 * Checks what a guichet received on one channel: each expected delivery at least once, nothing
 * else, and each demand's versions in order (by first arrival). Returns the repeats.
 */
export function expectDelivered(
  received: readonly GuichetDelivery[],
  expected: readonly string[],
): number {
  const distinct = [...new Set(received.map((delivery) => delivery.deliveryId))];
  expect(distinct.sort()).toEqual([...expected].sort());
  const versions = new Map<string, number[]>();
  const seen = new Set<string>();
  for (const delivery of received) {
    if (seen.has(delivery.deliveryId)) continue;
    seen.add(delivery.deliveryId);
    versions.set(delivery.event.subject, [
      ...(versions.get(delivery.event.subject) ?? []),
      delivery.event.demandversion!,
    ]);
  }
  for (const list of versions.values()) expect(list).toEqual([...list].sort((a, b) => a - b));
  return received.length - distinct.length;
}

/** Creates the guichets over the operator API, each with the given channels and its subscription. */
export async function registerGuichets(
  api: string,
  subscriptions: readonly Subscription[],
  channels: (subscription: Subscription) => Record<string, unknown>,
): Promise<Map<string, string>> {
  const webhookSecrets = new Map<string, string>();
  for (const subscription of subscriptions) {
    const created = await fetch(`${api}/guichets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...operatorAuth() },
      body: JSON.stringify({
        code: subscription.code,
        name: `Guichet ${subscription.code}`,
        type: 'landlord',
        territory: { departments: DEPARTMENTS },
        referentEmail: `${subscription.code.toLowerCase()}@example.fr`,
        channels: channels(subscription),
      }),
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { webhookSecret?: string };
    if (body.webhookSecret) webhookSecrets.set(subscription.code, body.webhookSecret);
    const subscribed = await fetch(`${api}/guichets/${subscription.code}/subscription`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...operatorAuth() },
      body: JSON.stringify({ eventTypes: subscription.eventTypes, rule: subscription.rule }),
    });
    expect(subscribed.status).toBe(200);
  }
  return webhookSecrets;
}

/** A guichet's whole pull feed, from its first cursor to the end, pages of 500. */
export async function readFeed(api: string, code: string): Promise<GuichetDelivery[]> {
  const deliveries: GuichetDelivery[] = [];
  let cursor = '';
  for (;;) {
    // Read as the guichet itself: its own feed is all its token opens.
    const response = await fetch(`${api}/guichets/${code}/feed?limit=500&cursor=${cursor}`, {
      headers: guichetAuth(code, DEPARTMENTS),
    });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { deliveries: GuichetDelivery[]; nextCursor: string };
    if (page.deliveries.length === 0) return deliveries;
    deliveries.push(...page.deliveries);
    cursor = page.nextCursor;
  }
}

/** Publishes events to the demand-events topic in requests of 100. */
export async function publishEvents(
  producer: Producer,
  kafka: TestKafka,
  stream: readonly CloudEvent[],
): Promise<void> {
  for (let i = 0; i < stream.length; i += 100) {
    await producer.send({
      topic: kafka.topic(Topics.DemandEvents),
      messages: stream.slice(i, i + 100).map((event) => encodeEvent(event)),
    });
  }
}

/**
 * Checks every guichet's delivery log (read in one pass) and, where it has one, its pull feed
 * (waited for: the feed writer follows the logs) against the reference evaluator. Returns the
 * repeats seen in the logs.
 */
export async function expectLogsAndFeeds(
  kafka: TestKafka,
  subscriptions: readonly Subscription[],
  stream: readonly CloudEvent[],
  feedApi?: string,
): Promise<number> {
  const logs = await kafka.readAll(
    subscriptions.map((subscription) => guichetDeliveryTopic(subscription.code)),
    120_000,
  );
  let repeats = 0;
  for (const subscription of subscriptions) {
    const expected = expectedDeliveryIds(subscription, stream);
    repeats += expectDelivered(
      logs
        .get(guichetDeliveryTopic(subscription.code))!
        .map((message) => JSON.parse(message.value!.toString()) as GuichetDelivery),
      expected,
    );
    if (!feedApi) continue;
    const feed = await waitFor(
      async () => {
        const read = await readFeed(feedApi, subscription.code);
        return read.length >= expected.length && read;
      },
      // The first feed waits for the feed writer to catch up on every guichet's log: 40-130 s here.
      { timeoutMs: 240_000, description: `the feed of ${subscription.code}` },
    );
    expectDelivered(feed, expected);
  }
  return repeats;
}
