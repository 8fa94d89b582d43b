import type { INestApplication } from '@nestjs/common';
import {
  type CloudEvent,
  DemandEventTypes,
  type GuichetDelivery,
  guichetDeliveryTopic,
} from '@sne/contracts';
import type { Rule } from '@sne/matching';
import { guichetAuth, isolate, operatorAuth, TestKafka, testToken, waitFor } from '@sne/testing';
import { GuichetRepository } from '../apps/dispatching/src/guichets/guichet.repository';
import {
  TERRITORY_MIGRATION_AUTHOR,
  TerritoryMigration,
} from '../apps/dispatching/src/dispatch/territory-migration';
import {
  createGuichets,
  EVERY_DEMAND,
  type JsonClient,
  numeroUniqueOf,
  publishParisAndMoselle,
  startDispatching,
} from './support/dispatching-app';
import { startAuditTrail } from './support/audit-trail-app';
import { WebhookReceiver } from './support/webhook-receiver';

const operator = (id: string, territory: string[] | 'all', roles = ['territorial-manager']) => ({
  authorization: `Bearer ${testToken({
    kind: 'operator',
    id,
    roles: roles as never,
    territory,
  })}`,
});
const PARIS_MANAGER = operator('manager.paris', ['075']);

/**
 * The territory as an invariant: a Paris guichet, steered by a Paris manager, tries every way to
 * obtain Moselle's demands and gets none of them.
 */
describe('territory of a guichet', () => {
  const isolation = isolate('territory');
  const kafka = new TestKafka(isolation.topicPrefix);
  const receiver = new WebhookReceiver();
  let app: INestApplication;
  let auditTrail: INestApplication;
  let trailClient: JsonClient;
  let paris: CloudEvent[];
  let moselle: CloudEvent[];

  let client: JsonClient;
  const http = (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = PARIS_MANAGER,
  ) => client(method, path, body, headers);
  const audit = (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = PARIS_MANAGER,
  ) => trailClient(method, path, body, headers);
  const numeros = (events: CloudEvent[]) => events.map(numeroUniqueOf);
  const numeroOf = (delivery: GuichetDelivery) => numeroUniqueOf(delivery.event);
  const readFeed = async (code: string, from = '', headers = PARIS_MANAGER) => {
    const deliveries: GuichetDelivery[] = [];
    let cursor = from;
    for (;;) {
      const page = await http(
        'GET',
        `/guichets/${code}/feed?limit=50&cursor=${cursor}`,
        undefined,
        headers,
      );
      expect(page.status).toBe(200);
      if (page.body.deliveries.length === 0) return deliveries;
      deliveries.push(...(page.body.deliveries as GuichetDelivery[]));
      cursor = page.body.nextCursor as string;
    }
  };

  beforeAll(async () => {
    await kafka.createPlatformTopics();
    ({ app, client } = await startDispatching(isolation));
    ({ app: auditTrail, client: trailClient } = await startAuditTrail(isolation));
    await createGuichets(client, [
      { code: 'P7501', departments: ['075'], webhook: await receiver.start() },
      { code: 'M5701', departments: ['057'] },
    ]);
    ({ paris, moselle } = await publishParisAndMoselle(kafka, 8));
  });

  afterAll(async () => {
    await app?.close();
    await auditTrail?.close();
    await receiver.stop();
    await kafka.cleanup();
  });

  it("refuses a rule naming places outside the guichet's territory, with the values", async () => {
    const response = await http(
      'PUT',
      '/guichets/P7501/subscription',
      {
        eventTypes: [DemandEventTypes.Registered],
        rule: {
          any: [
            { field: 'demand.department', anyOf: ['075', '057'] },
            { field: 'demand.wishedCommunes', prefix: '57' },
          ],
        },
      },
      { ...PARIS_MANAGER, 'if-match': '"1"' },
    );
    expect(response.status).toBe(422);
    expect(response.body.error.details.issues).toEqual([
      { path: '/rule/any/0/anyOf/1', message: 'department 057 is outside the territory' },
      { path: '/rule/any/1/prefix', message: 'prefix "57" is outside the territory' },
    ]);
    const current = await http('GET', '/guichets/P7501/subscription');
    expect(current.body.version).toBe(1);
  });

  it('delivers a rule without a department only within the territory, on every channel', async () => {
    const log = await kafka.collect(guichetDeliveryTopic('P7501'));
    const onKafka = await log.waitForCount(paris.length);
    // The Moselle guichet got its demands: the dispatcher has handled every event.
    await waitFor(
      async () => (await readFeed('M5701', '', operatorAuth())).length >= moselle.length,
      {
        description: "Moselle's feed caught up",
        timeoutMs: 60_000,
      },
    );
    await waitFor(() => receiver.received.length >= paris.length, {
      description: "Paris's webhook deliveries",
      timeoutMs: 60_000,
    });
    const kafkaNumeros = onKafka.map((message) =>
      numeroOf(JSON.parse(message.value!.toString()) as GuichetDelivery),
    );
    expect(kafkaNumeros.sort()).toEqual(numeros(paris).sort());
    expect(log.messages).toHaveLength(paris.length);
    expect((await readFeed('P7501')).map(numeroOf).sort()).toEqual(numeros(paris).sort());
    expect(receiver.received.map(numeroOf).sort()).toEqual(numeros(paris).sort());
  });

  it("backfills, dry-runs and replays only the territory's demands", async () => {
    const backfill = await http('POST', '/guichets/P7501/backfill');
    expect(backfill.status).toBe(200);
    expect(backfill.body).toEqual({ delivered: paris.length, examined: paris.length });

    const moselleOnly = await http('POST', '/guichets/P7501/subscription/dry-run', {
      eventTypes: [DemandEventTypes.Registered],
      rule: { field: 'demand.department', equals: '057' },
    });
    expect(moselleOnly.status).toBe(200);
    expect(moselleOnly.body).toMatchObject({
      activeDemands: { matching: 0 },
      recentEvents: { matching: 0 },
      sample: [],
      outsideTerritory: [expect.objectContaining({ value: '057' })],
    });
    const everything = await http('POST', '/guichets/P7501/subscription/dry-run', {
      eventTypes: [DemandEventTypes.Registered],
      rule: EVERY_DEMAND,
    });
    expect(everything.body.activeDemands).toEqual({
      matching: paris.length,
      examined: paris.length,
    });
    for (const numero of everything.body.sample as string[]) expect(numero).toMatch(/^075 /);

    const replay = await http('POST', '/guichets/P7501/replay', {
      from: new Date(Date.now() - 3_600_000).toISOString(),
    });
    expect(replay.status).toBe(200);
    const replayed = await readFeed('P7501', replay.body.feedCursor as string);
    expect(replayed.length).toBeGreaterThan(0);
    for (const delivery of replayed) expect(numeroOf(delivery)).toMatch(/^075 /);
  });

  it("explains nothing about another territory's demand", async () => {
    const own = await http('POST', '/guichets/P7501/explain', paris[0]);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ withinTerritory: true });
    const response = await http('POST', '/guichets/P7501/explain', moselle[0]);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      matched: false,
      withinTerritory: false,
      eventTypeSubscribed: true,
      ownEvent: false,
    });
  });

  it('keeps a Paris manager off Moselle guichets and national territories', async () => {
    expect((await http('GET', '/guichets/M5701/feed')).status).toBe(403);
    expect((await http('POST', '/guichets/M5701/backfill')).status).toBe(403);
    const national = {
      code: 'N0001',
      name: 'DIHAL',
      type: 'state-service',
      territory: { national: { mandate: 'suivi national du DALO' } },
      referentEmail: 'dihal@example.fr',
      channels: { kafka: { enabled: true }, pull: { enabled: true } },
    };
    expect((await http('POST', '/guichets', national)).status).toBe(403);
    const created = await http('POST', '/guichets', national, operatorAuth());
    expect(created.status).toBe(201);
    const saved = await http(
      'PUT',
      '/guichets/N0001/subscription',
      {
        eventTypes: [DemandEventTypes.Registered],
        rule: { field: 'demand.department', equals: '057' },
      },
      operatorAuth(),
    );
    expect(saved.status).toBe(200);
    expect((await http('GET', '/guichets/N0001', undefined)).status).toBe(403);
  });

  it('refuses a territory whose communes lie outside its departments', async () => {
    const response = await http(
      'POST',
      '/guichets',
      {
        code: 'C7502',
        name: 'Commune',
        type: 'municipality',
        territory: { departments: ['075'], communes: ['75056', '57463'] },
        referentEmail: 'c7502@example.fr',
        channels: { kafka: { enabled: true }, pull: { enabled: false } },
      },
      operatorAuth(),
    );
    expect(response.status).toBe(422);
    expect(response.body.error.details.issues).toEqual([
      {
        path: '/territory/communes/1',
        message: "commune 57463 is not in the territory's departments",
      },
    ]);
  });

  it('prunes, at start, a stored rule that reached outside its territory', async () => {
    const repository = app.get(GuichetRepository);
    const current = (await repository.latestRevision('P7501'))!;
    const reaching: Rule = {
      all: [{ field: 'demand.department', anyOf: ['075', '057'] }, EVERY_DEMAND],
    };
    expect(
      await repository.insertRevision({ ...current, version: current.version + 1, rule: reaching }),
    ).toBe(true);
    const [fixed] = await app.get(TerritoryMigration).run();
    expect(fixed).toMatchObject({
      guichetCode: 'P7501',
      version: current.version + 2,
      changedBy: TERRITORY_MIGRATION_AUTHOR,
      rule: { all: [{ field: 'demand.department', anyOf: ['075'] }, EVERY_DEMAND] },
    });
    expect(fixed?.comment).toContain('057');
    expect(await app.get(TerritoryMigration).run()).toEqual([]);
  });

  it('records every read in the audit trail, which a manager reads for their territory only', async () => {
    const admin = operatorAuth();
    type Entry = {
      who: string;
      action: string;
      channel: string;
      app: string;
      numeroUniques: string[];
      guichet?: string;
      detail?: string;
    };
    // Gathered from the dispatcher's outbox through the audit topic: a moment behind.
    const entries = await waitFor(async () => {
      const trail = await audit('GET', '/audit?guichet=P7501&limit=1000', undefined, admin);
      expect(trail.status).toBe(200);
      const found = trail.body.entries as Entry[];
      const webhooked = new Set(
        found
          .filter((entry) => entry.action === 'deliver' && entry.channel === 'webhook')
          .flatMap((entry) => entry.numeroUniques),
      );
      return numeros(paris).every((numero) => webhooked.has(numero)) && found;
    });
    expect(entries.every((entry) => entry.app === 'dispatching')).toBe(true);
    const actions = new Set(entries.map((entry) => entry.action));
    for (const channel of ['kafka', 'webhook']) {
      const delivered = entries.filter(
        (entry) => entry.action === 'deliver' && entry.channel === channel,
      );
      expect(new Set(delivered.flatMap((entry) => entry.numeroUniques))).toEqual(
        new Set(numeros(paris)),
      );
      expect(delivered.every((entry) => entry.who.startsWith('system:'))).toBe(true);
    }
    for (const action of ['read-feed', 'backfill', 'dry-run', 'replay', 'explain'])
      expect(actions).toContain(action);
    // Explained within the territory (the answer shows its stored values): audited; outside: not.
    expect(
      entries.filter((entry) => entry.action === 'explain').flatMap((entry) => entry.numeroUniques),
    ).toEqual([numeroUniqueOf(paris[0])]);
    const fed = entries.filter((entry) => entry.action === 'read-feed');
    expect(new Set(fed.flatMap((entry) => entry.numeroUniques))).toEqual(new Set(numeros(paris)));
    expect(fed.every((entry) => entry.channel === 'feed')).toBe(true);
    const backfilled = entries.find((entry) => entry.action === 'backfill');
    expect(backfilled).toMatchObject({ who: 'operator:manager.paris', channel: 'kafka' });
    expect([...backfilled!.numeroUniques].sort()).toEqual(numeros(paris).sort());

    const asParis = await audit('GET', '/audit?guichet=P7501&limit=1000');
    expect(asParis.status).toBe(200);
    expect(asParis.body.entries.length).toBeGreaterThan(0);
    for (const entry of asParis.body.entries as Array<{ numeroUniques: string[] }>)
      for (const numero of entry.numeroUniques) expect(numero).toMatch(/^075 /);
    const asMoselle = await audit(
      'GET',
      '/audit?guichet=P7501&limit=1000',
      undefined,
      operator('manager.moselle', ['057']),
    );
    expect(asMoselle.body.entries).toEqual([]);
    const byPerson = await audit('GET', '/audit?who=operator:manager.paris', undefined, admin);
    expect(
      (byPerson.body.entries as Array<{ who: string }>).every(
        (entry) => entry.who === 'operator:manager.paris',
      ),
    ).toBe(true);

    const csv = await audit('GET', '/audit?guichet=P7501&format=csv', undefined, admin);
    expect(csv.type).toContain('text/csv');
    expect(csv.bytes.toString('utf8')).toContain(
      'date;qui;action;canal;application;numeros_uniques',
    );

    expect((await audit('GET', '/audit', undefined, guichetAuth('P7501', ['075']))).status).toBe(
      403,
    );
    expect(
      (
        await audit(
          'GET',
          '/audit',
          undefined,
          operator('consultant', ['075'], ['consultant-sensible']),
        )
      ).status,
    ).toBe(403);
    expect((await audit('GET', '/audit?guichet=nope', undefined, admin)).status).toBe(400);
  });

  it('records every refusal and every national reach granted, for the trail to show', async () => {
    const admin = operatorAuth();
    const refusals = await waitFor(async () => {
      const trail = await audit(
        'GET',
        '/audit?who=operator:manager.paris&action=access-refused&limit=1000',
        undefined,
        admin,
      );
      const found = trail.body.entries as Array<{ guichet?: string; detail: string }>;
      return (
        found.some((entry) => entry.detail.startsWith('POST /guichets/:code/backfill')) && found
      );
    });
    expect(refusals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          guichet: 'M5701',
          detail: expect.stringMatching(/^GET \/guichets\/:code\/feed: forbidden: /),
          departments: ['075'],
        }),
        expect.objectContaining({ detail: expect.stringMatching(/^POST \/guichets: forbidden: /) }),
        expect.objectContaining({
          guichet: 'P7501',
          detail: expect.stringMatching(/^PUT \/guichets\/:code\/subscription: rule-violation: /),
        }),
      ]),
    );
    // The Paris manager reads their own refusals; Moselle's manager does not.
    const asParis = await audit('GET', '/audit?action=access-refused&limit=1000');
    expect(asParis.body.entries.length).toBeGreaterThanOrEqual(refusals.length);
    const asMoselle = await audit(
      'GET',
      '/audit?who=operator:manager.paris&limit=1000',
      undefined,
      operator('manager.moselle', ['057']),
    );
    expect(
      (asMoselle.body.entries as Array<{ action: string }>).filter(
        (entry) => entry.action === 'access-refused',
      ),
    ).toEqual([]);

    const granted = await waitFor(async () => {
      const trail = await audit('GET', '/audit?action=create-national-guichet', undefined, admin);
      return trail.body.entries.length > 0 && trail.body.entries;
    });
    expect(granted).toEqual([
      expect.objectContaining({
        who: 'operator:operator.test',
        guichet: 'N0001',
        detail: 'national mandate: suivi national du DALO',
      }),
    ]);
    // A national reach is for national eyes only.
    expect((await audit('GET', '/audit?action=create-national-guichet')).body.entries).toEqual([]);
  });
});
