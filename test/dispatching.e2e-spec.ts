import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  type CloudEvent,
  DemandEventTypes,
  encodeEvent,
  type GuichetDelivery,
  guichetDeliveryTopic,
  KafkaHeaders,
  Topics,
} from '@sne/contracts';
import { evaluate, type Rule } from '@sne/matching';
import {
  appEnv,
  factory,
  isolate,
  operatorAuth,
  TestKafka,
  testToken,
  waitFor,
} from '@sne/testing';
import type { KafkaMessage, Producer } from 'kafkajs';
import { AppModule } from '../apps/dispatching/src/app.module';
import { loadDispatchingConfig } from '../apps/dispatching/src/config';
import { matchDocument } from '../apps/dispatching/src/dispatch/match-document';

interface TestGuichet {
  code: string;
  type: string;
  departments: string[];
  eventTypes: string[];
  rule: Rule;
  includeOwnEvents?: boolean;
}

const ALL_DEMAND_EVENTS = Object.values(DemandEventTypes);

const GUICHETS: TestGuichet[] = [
  {
    code: 'M5701',
    type: 'municipality',
    departments: ['057'],
    eventTypes: ALL_DEMAND_EVENTS,
    rule: { field: 'demand.wishedCommunes', anyOf: ['57463', '57672'] },
  },
  {
    code: 'L5702',
    type: 'landlord',
    departments: ['057', '054'],
    eventTypes: ALL_DEMAND_EVENTS,
    rule: {
      all: [
        { field: 'demand.department', anyOf: ['057', '054'] },
        { field: 'demand.householdSize', range: { lte: 3 } },
      ],
    },
  },
  {
    code: 'S7501',
    type: 'state-service',
    departments: ['075'],
    eventTypes: [DemandEventTypes.Registered, DemandEventTypes.Radiated],
    rule: { field: 'demand.department', equals: '075' },
  },
  {
    code: '10691',
    type: 'landlord',
    departments: ['057'],
    eventTypes: ALL_DEMAND_EVENTS,
    rule: { field: 'demand.department', equals: '057' },
  },
];

describe('dispatching', () => {
  const isolation = isolate('dispatching');
  const kafka = new TestKafka(isolation.topicPrefix);
  let app: INestApplication;
  let api: string;
  let producer: Producer;

  const http = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...operatorAuth(), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, any>) : {},
      headers: response.headers,
    };
  };

  const publish = async (...events: CloudEvent[]) => {
    await producer.send({
      topic: kafka.topic(Topics.DemandEvents),
      messages: events.map((event) => encodeEvent(event)),
    });
  };

  beforeAll(async () => {
    await kafka.createPlatformTopics();
    const config = loadDispatchingConfig(appEnv(isolation, { SUBSCRIPTION_REFRESH_MS: '500' }));
    app = await NestFactory.create(AppModule.forRoot(config), { logger: false });
    await app.listen(0, '127.0.0.1');
    api = await app.getUrl();
    producer = kafka.kafka.producer();
    await producer.connect();
    for (const guichet of GUICHETS) {
      const created = await http('POST', '/guichets', {
        code: guichet.code,
        name: `Guichet ${guichet.code}`,
        type: guichet.type,
        territory: { departments: guichet.departments },
        referentEmail: `referent.${guichet.code.toLowerCase()}@example.fr`,
        channels: { kafka: { enabled: true }, pull: { enabled: true } },
      });
      expect(created.status).toBe(201);
      const subscribed = await http('PUT', `/guichets/${guichet.code}/subscription`, {
        eventTypes: guichet.eventTypes,
        rule: guichet.rule,
      });
      expect(subscribed.status).toBe(200);
    }
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    await kafka.cleanup();
  });

  describe('operator API', () => {
    it('refuses a second guichet with the same code', async () => {
      const again = await http('POST', '/guichets', {
        code: 'M5701',
        name: 'x',
        type: 'municipality',
        territory: { departments: ['057'] },
        referentEmail: 'x@example.fr',
        channels: { kafka: { enabled: true }, pull: { enabled: false } },
      });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('conflict');
    });

    it("limits a territorial manager to the guichets of the manager's territory", async () => {
      const everywhere = operatorAuth('manager.national', ['territorial-manager']);
      const parisOnly = {
        authorization: `Bearer ${testToken({
          kind: 'operator',
          id: 'manager.paris',
          roles: ['territorial-manager'],
          territory: ['075'],
        })}`,
      };
      const moselle = {
        authorization: `Bearer ${testToken({
          kind: 'operator',
          id: 'manager.moselle',
          roles: ['territorial-manager'],
          territory: ['057'],
        })}`,
      };
      expect((await http('GET', '/guichets/10691', undefined, everywhere)).status).toBe(200);
      const refused = await http('GET', '/guichets/10691', undefined, parisOnly);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
      expect((await http('POST', '/guichets/10691/pause', undefined, parisOnly)).status).toBe(403);
      expect((await http('GET', '/guichets/10691/feed', undefined, parisOnly)).status).toBe(403);
      expect((await http('GET', '/guichets/10691', undefined, moselle)).status).toBe(200);
      const listed = await http('GET', '/guichets', undefined, parisOnly);
      expect(listed.body.guichets.map((guichet: { code: string }) => guichet.code)).not.toContain(
        '10691',
      );
      const created = await http(
        'POST',
        '/guichets',
        {
          code: 'X5799',
          name: 'Hors territoire',
          type: 'municipality',
          territory: { departments: ['057'] },
          referentEmail: 'x5799@example.fr',
          channels: { kafka: { enabled: true }, pull: { enabled: false } },
        },
        parisOnly,
      );
      expect(created.status).toBe(403);
    });

    it('lists every problem of an invalid guichet with its path', async () => {
      const invalid = await http('POST', '/guichets', {
        code: 'm57',
        type: 'bakery',
        territory: { departments: [] },
      });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.details.issues).toEqual(
        expect.arrayContaining([
          { path: '/code', message: 'must match pattern "^[0-9A-Z]{5}$"' },
          expect.objectContaining({ path: '/type' }),
          { path: '/territory/departments', message: 'must NOT have fewer than 1 items' },
          { path: '/name', message: "must have required property 'name'" },
        ]),
      );
    });

    it('refuses an invalid rule with the path inside the rule', async () => {
      const response = await http(
        'PUT',
        '/guichets/M5701/subscription',
        {
          eventTypes: ALL_DEMAND_EVENTS,
          rule: { all: [{ field: 'demand.householdSize', range: { lte: 'trois' } }] },
        },
        { 'if-match': '"1"' },
      );
      expect(response.status).toBe(400);
      expect(response.body.error.details.issues).toEqual([
        { path: '/rule/all/0/range/lte', message: 'must be a number, not a string' },
      ]);
    });

    it('flags a rule that can never match, and saves it only when asked', async () => {
      const never = {
        all: [
          { field: 'demand.department', equals: '057' },
          { field: 'demand.department', equals: '054' },
        ],
      };
      const refused = await http(
        'PUT',
        '/guichets/L5702/subscription',
        { eventTypes: ALL_DEMAND_EVENTS, rule: never },
        { 'if-match': '1' },
      );
      expect(refused.status).toBe(422);
      expect(refused.body.error.details.issues[0].path).toBe('/rule');
      const checked = await http('POST', '/rules/validate', { rule: never });
      expect(checked.body).toMatchObject({ valid: true, warnings: [{ path: '/' }] });
    });

    it('refuses a change made on a stale version, and keeps the history', async () => {
      const current = await http('GET', '/guichets/10691/subscription');
      expect(current.headers.get('etag')).toBe('"1"');
      const stale = await http(
        'PUT',
        '/guichets/10691/subscription',
        { eventTypes: ALL_DEMAND_EVENTS, rule: GUICHETS[3]?.rule },
        { 'if-match': '"7"' },
      );
      expect(stale.status).toBe(409);
      expect(stale.body.error).toMatchObject({
        code: 'stale-version',
        details: { currentVersion: 1 },
      });
      const unnamed = await http(
        'PUT',
        '/guichets/10691/subscription',
        { eventTypes: ALL_DEMAND_EVENTS, rule: GUICHETS[3]?.rule },
        { 'if-match': '"1"', authorization: '' },
      );
      expect(unnamed.status).toBe(401);
      const consultant = await http(
        'PUT',
        '/guichets/10691/subscription',
        { eventTypes: ALL_DEMAND_EVENTS, rule: GUICHETS[3]?.rule },
        { 'if-match': '"1"', ...operatorAuth('consultant.test', ['consultant-simple']) },
      );
      expect(consultant.status).toBe(403);
      const history = await http('GET', '/guichets/10691/subscription/history');
      expect(history.body.revisions).toHaveLength(1);
      expect(history.body.revisions[0]).toMatchObject({
        version: 1,
        changedBy: 'operator:operator.test',
      });
    });
  });

  describe('fan-out', () => {
    it('delivers each event to exactly the guichets whose rules select it, in order per demand, never back to its origin', async () => {
      const logs = Object.fromEntries(
        await Promise.all(
          GUICHETS.map(
            async (guichet) =>
              [guichet.code, await kafka.collect(guichetDeliveryTopic(guichet.code))] as const,
          ),
        ),
      );
      const events: CloudEvent[] = [];
      for (let i = 0; i < 40; i++) {
        const department = ['057', '054', '075'][i % 3];
        const demand = factory.demand({
          department,
          guichetCode: i % 4 === 0 ? '10691' : '20045',
          wishedCommunes:
            department === '057' ? [['57463'], ['57227'], ['57672', '57463']][i % 3] : ['75056'],
          household: { size: 1 + (i % 5) },
        });
        const types = [
          DemandEventTypes.Registered,
          DemandEventTypes.Updated,
          DemandEventTypes.Radiated,
        ];
        types.forEach((type, step) =>
          events.push(
            factory.demandEvent(
              type,
              { ...demand, version: step + 1 },
              { source: '/sne/registration' },
            ),
          ),
        );
      }
      // Events caused by guichet 10691 carry it in the `guichet` attribute (the factory sets it).
      await publish(...events);

      const expected = new Map<string, string[]>();
      for (const guichet of GUICHETS) {
        expected.set(
          guichet.code,
          events
            .filter(
              (event) =>
                guichet.eventTypes.includes(event.type) &&
                event.guichet !== guichet.code &&
                evaluate(
                  guichet.rule,
                  matchDocument(event, (event.data as { demand: never }).demand),
                ),
            )
            .map((event) => event.id),
        );
      }
      expect(expected.get('10691')?.length).toBeGreaterThan(0);
      // Once the dispatcher has committed every event, every delivery is in the logs (it commits
      // after the broker acknowledged them): the counts below are final, not a lower bound.
      await kafka.waitForGroupCaughtUp('sne.dispatching', Topics.DemandEvents);

      for (const guichet of GUICHETS) {
        const want = expected.get(guichet.code) ?? [];
        const log = logs[guichet.code];
        expect(await kafka.messageCount(guichetDeliveryTopic(guichet.code))).toBe(want.length);
        await waitFor(() => log.messages.length >= want.length, {
          timeoutMs: 60_000,
          description: `${want.length} deliveries to ${guichet.code}`,
        });
        const deliveries = log.messages.map(
          (message: KafkaMessage) => JSON.parse(message.value!.toString()) as GuichetDelivery,
        );
        expect(deliveries.map((delivery) => delivery.event.id).sort()).toEqual([...want].sort());
        for (const delivery of deliveries) {
          expect(delivery.deliveryId).toBe(`${delivery.event.id}:${guichet.code}`);
          expect(delivery.subscriptionVersion).toBe(1);
        }
        const versionsByDemand = new Map<string, number[]>();
        for (const delivery of deliveries) {
          versionsByDemand.set(delivery.event.subject, [
            ...(versionsByDemand.get(delivery.event.subject) ?? []),
            delivery.event.demandversion!,
          ]);
        }
        for (const versions of versionsByDemand.values())
          expect(versions).toEqual([...versions].sort((a, b) => a - b));
      }
      expect(
        logs['10691'].messages.every(
          (message: KafkaMessage) => !message.value!.toString().includes('"guichet":"10691"'),
        ),
      ).toBe(true);
    });

    it('dead-letters a poison event and goes on with the next one of the same demand', async () => {
      const deadLetters = await kafka.collect(Topics.DeadLetter);
      const log = await kafka.collect(guichetDeliveryTopic('S7501'));
      const before = log.messages.length;
      const demand = factory.demand({ department: '075', wishedCommunes: ['75056'] });
      await producer.send({
        topic: kafka.topic(Topics.DemandEvents),
        messages: [
          {
            key: demand.numeroUnique,
            value: JSON.stringify({ specversion: '1.0', type: 'sne.demand.registered.v1' }),
          },
        ],
      });
      const good = factory.demandEvent(DemandEventTypes.Registered, demand);
      await publish(good);
      await waitFor(
        () =>
          log.messages.slice(before).some((message) => message.value!.toString().includes(good.id)),
        { description: 'the good event delivered' },
      );
      const [dead] = await deadLetters.waitForCount(1);
      expect(dead?.headers?.[KafkaHeaders.DeadLetterReason]?.toString()).toMatch(
        /^invalid event: \/id: must have required property 'id'/,
      );
      expect(dead?.headers?.[KafkaHeaders.DeadLetterConsumerGroup]?.toString()).toBe(
        'sne.dispatching',
      );
    });

    it('explains why a guichet does not receive an event', async () => {
      const event = factory.demandEvent(
        DemandEventTypes.Updated,
        factory.demand({ department: '057', wishedCommunes: ['57463'], household: { size: 5 } }),
      );
      const response = await http('POST', '/guichets/L5702/explain', event);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        matched: false,
        withinTerritory: true,
        eventTypeSubscribed: true,
        ownEvent: false,
      });
      expect(response.body.decisive[0]).toMatchObject({
        path: '/all/1',
        field: 'demand.householdSize',
        values: [5],
      });
    });

    it('explains nothing of a demand outside the territory', async () => {
      const event = factory.demandEvent(
        DemandEventTypes.Updated,
        factory.demand({ department: '075', wishedCommunes: ['75056'], household: { size: 1 } }),
      );
      const response = await http('POST', '/guichets/L5702/explain', event);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        matched: false,
        withinTerritory: false,
        eventTypeSubscribed: true,
        ownEvent: false,
      });
    });
  });

  describe('pull feed', () => {
    const readAll = async (code: string, limit: number) => {
      const deliveries: GuichetDelivery[] = [];
      let cursor = '';
      const cursors: string[] = [];
      for (;;) {
        const page = await http('GET', `/guichets/${code}/feed?limit=${limit}&cursor=${cursor}`);
        expect(page.status).toBe(200);
        cursors.push(cursor);
        if (page.body.deliveries.length === 0) return { deliveries, cursor, cursors };
        deliveries.push(...(page.body.deliveries as GuichetDelivery[]));
        cursor = page.body.nextCursor as string;
      }
    };

    it('gives a guichet everything in its delivery log, page by page, in order per demand', async () => {
      await kafka.waitForGroupCaughtUp('sne.dispatching', Topics.DemandEvents);
      const expectedCount = await kafka.messageCount(guichetDeliveryTopic('M5701'));
      expect(expectedCount).toBeGreaterThan(0);
      const all = await waitFor(
        async () => {
          const read = await readAll('M5701', 7);
          return read.deliveries.length >= expectedCount && read;
        },
        { timeoutMs: 30_000, description: `${expectedCount} deliveries in the feed of M5701` },
      );
      expect(all.deliveries).toHaveLength(expectedCount);
      expect(new Set(all.deliveries.map((delivery) => delivery.deliveryId)).size).toBe(
        expectedCount,
      );
      const versions = new Map<string, number[]>();
      for (const delivery of all.deliveries) {
        versions.set(delivery.event.subject, [
          ...(versions.get(delivery.event.subject) ?? []),
          delivery.event.demandversion!,
        ]);
      }
      for (const list of versions.values()) expect(list).toEqual([...list].sort((a, b) => a - b));

      // Resuming from a cursor already used gives the same page again (at-least-once).
      const second = all.cursors[1];
      const again = await http('GET', `/guichets/M5701/feed?limit=7&cursor=${second}`);
      expect(again.body.deliveries.map((d: GuichetDelivery) => d.deliveryId)).toEqual(
        all.deliveries.slice(7, 14).map((d) => d.deliveryId),
      );
    });

    it('holds a long poll until a new delivery arrives', async () => {
      const { cursor } = await readAll('M5701', 100);
      const started = Date.now();
      const poll = http('GET', `/guichets/M5701/feed?wait=20&cursor=${cursor}`);
      const event = factory.demandEvent(
        DemandEventTypes.Updated,
        factory.demand({ department: '057', wishedCommunes: ['57463'], household: { size: 2 } }),
      );
      await publish(event);
      const page = await poll;
      expect(page.status).toBe(200);
      expect(page.body.deliveries.map((d: GuichetDelivery) => d.event.id)).toEqual([event.id]);
      expect(Date.now() - started).toBeLessThan(20_000);
    });

    it('holds deliveries while the guichet is paused and gives them after it resumes', async () => {
      const { cursor } = await readAll('L5702', 100);
      expect((await http('POST', '/guichets/L5702/pause')).body.paused).toBe(true);
      const event = factory.demandEvent(
        DemandEventTypes.Renewed,
        factory.demand({ department: '054', household: { size: 1 } }),
      );
      await publish(event);
      await kafka.waitForGroupCaughtUp('sne.dispatching', Topics.DemandEvents);
      const paused = await http('GET', `/guichets/L5702/feed?cursor=${cursor}`);
      expect(paused.body).toMatchObject({ deliveries: [], paused: true, nextCursor: cursor });
      await http('POST', '/guichets/L5702/resume');
      const resumed = await http('GET', `/guichets/L5702/feed?wait=15&cursor=${cursor}`);
      expect(resumed.body.deliveries.map((d: GuichetDelivery) => d.event.id)).toEqual([event.id]);
    });

    it('refuses a malformed cursor or limit', async () => {
      const badCursor = await http('GET', '/guichets/M5701/feed?cursor=not-a-cursor');
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.error.details.issues).toEqual([
        { path: 'cursor', message: 'use a nextCursor returned by this feed' },
      ]);
      expect((await http('GET', '/guichets/M5701/feed?limit=0')).status).toBe(400);
      expect((await http('GET', '/guichets/ZZZZZ/feed')).status).toBe(404);
    });
  });

  describe('dry run, backfill, replay', () => {
    const active: string[] = [];

    beforeAll(async () => {
      const events: CloudEvent[] = [];
      for (let i = 0; i < 7; i++) {
        const demand = factory.demand({
          department: '069',
          wishedCommunes: ['69123'],
          guichetCode: '20045',
        });
        events.push(factory.demandEvent(DemandEventTypes.Registered, demand));
        if (i < 2) {
          events.push(
            factory.demandEvent(DemandEventTypes.Radiated, {
              ...demand,
              version: 2,
              state: 'radiated',
            }),
          );
        } else {
          active.push(demand.numeroUnique);
        }
      }
      await publish(...events);
      await kafka.waitForGroupCaughtUp('sne.dispatching', Topics.DemandEvents);
      const created = await http('POST', '/guichets', {
        code: 'B6901',
        name: 'Bailleur du Rhône',
        type: 'landlord',
        territory: { departments: ['069'] },
        referentEmail: 'referent.b6901@example.fr',
        channels: { kafka: { enabled: true }, pull: { enabled: true } },
      });
      expect(created.status).toBe(201);
    });

    it('tells how many active demands and recent events a draft rule would deliver, before saving it', async () => {
      const result = await http('POST', '/guichets/B6901/subscription/dry-run', {
        eventTypes: [DemandEventTypes.Registered],
        rule: { field: 'demand.department', equals: '069' },
      });
      expect(result.status).toBe(200);
      expect(result.body.activeDemands).toEqual({ matching: 5, examined: 5 });
      expect(result.body.recentEvents).toMatchObject({ matching: 7, examined: 9 });
      expect([...result.body.sample].sort()).toEqual([...active].sort());
      expect((await http('GET', '/guichets/B6901/subscription')).status).toBe(404);
    });

    it('backfills the active demands a new subscription selects', async () => {
      const saved = await http('PUT', '/guichets/B6901/subscription', {
        eventTypes: ALL_DEMAND_EVENTS,
        rule: { field: 'demand.department', equals: '069' },
      });
      expect(saved.status).toBe(200);
      const page = await waitFor(
        async () => {
          const read = await http('GET', '/guichets/B6901/feed?limit=100');
          return read.body.deliveries?.length >= 5 && read.body;
        },
        { timeoutMs: 30_000, description: 'the backfill in the feed of B6901' },
      );
      expect(page.deliveries.map((d: GuichetDelivery) => d.event.subject).sort()).toEqual(
        [...active].sort(),
      );
      expect(page.deliveries.every((d: GuichetDelivery) => d.subscriptionVersion === 1)).toBe(true);
    });

    it('replays a guichet from a date: its Kafka group is moved back and a feed cursor is given', async () => {
      const replay = await http('POST', '/guichets/B6901/replay', { from: '2020-01-01T00:00:00Z' });
      expect(replay.status).toBe(200);
      expect(replay.body.kafka).toMatchObject({ consumerGroup: 'sne.guichet.B6901', reset: true });
      const again = await http(
        'GET',
        `/guichets/B6901/feed?limit=100&cursor=${replay.body.feedCursor}`,
      );
      expect(again.body.deliveries).toHaveLength(5);
      const fromNow = await http('POST', '/guichets/B6901/replay', {
        from: new Date(Date.now() + 60_000).toISOString(),
      });
      const nothing = await http('GET', `/guichets/B6901/feed?cursor=${fromNow.body.feedCursor}`);
      expect(nothing.body.deliveries).toEqual([]);
      expect((await http('POST', '/guichets/B6901/replay', { from: 'yesterday' })).status).toBe(
        400,
      );
    });
  });
});
