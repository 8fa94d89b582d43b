import type { INestApplication } from '@nestjs/common';
import {
  type CloudEvent,
  createEvent,
  type DemandEventData,
  DemandEventTypes,
  encodeEvent,
  NoticeEventTypes,
  RegistrationCommandTypes,
  Topics,
} from '@sne/contracts';
import { ManualClock } from '@sne/platform';
import { parseQrPayload, readQrCodesFromPdf } from '@sne/printing';
import { createPublicKey } from 'node:crypto';
import { aDemandInput, anApplicant } from '@sne/domain';
import {
  appEnv,
  guichetAuth,
  isolate,
  operatorAuth,
  PrivateKafka,
  startApp,
  TestKafka,
  waitFor,
} from '@sne/testing';
import { AppModule } from '../apps/registration/src/app.module';
import { loadRegistrationConfig } from '../apps/registration/src/config';
import { jsonClient } from './support/http-client';

const METZ_GUICHET = guichetAuth('10691', ['057'], 'landlord');
const PARIS_GUICHET = guichetAuth('75120', ['075'], 'municipality');

/** Letters only (names are checked): 0 → "a", 27 → "bb". */
const letters = (n: number) => String.fromCharCode(97 + (n % 26)).repeat(1 + Math.floor(n / 26));
let people = 0;
/** A person nobody registered yet in this file. */
function someone(tag: string) {
  const n = people++;
  return aDemandInput({
    applicant: anApplicant({
      lastName: `Testeur ${tag}`,
      firstName: `Camille ${letters(n)}`,
      birthName: undefined,
      nir: undefined,
    }),
  });
}

const client = jsonClient;

const path = (numero: string) => `/demands/${encodeURIComponent(numero)}`;

describe('registration: demands over HTTP', () => {
  const isolation = isolate('registration');
  const kafka = new TestKafka(isolation.topicPrefix);
  let app: INestApplication;
  let http: ReturnType<typeof client>;
  let events: Awaited<ReturnType<TestKafka['collect']>>;

  const eventsOf = (numero: string) =>
    events.messages
      .map(
        (message) => JSON.parse(message.value!.toString()) as CloudEvent<string, DemandEventData>,
      )
      .filter((event) => event.subject === numero);

  beforeAll(async () => {
    await kafka.createPlatformTopics();
    let url: string;
    ({ app, url } = await startApp(
      AppModule.forRoot(loadRegistrationConfig(appEnv(isolation, { OUTBOX_SWEEP_MS: '1000' }))),
    ));
    http = client(url);
    events = await kafka.collect(Topics.DemandEvents);
  });

  afterAll(async () => {
    await app?.close();
    await kafka.cleanup();
  });

  describe('register', () => {
    it('numbers the demand, answers its version and announces it with its whole state', async () => {
      const input = someone('register');
      const created = await http('POST', '/demands', input, METZ_GUICHET);
      expect(created.status).toBe(201);
      expect(created.etag).toBe('"1"');
      const demand = created.body.demand;
      expect(demand.numeroUnique).toMatch(/^057 [0-9]{4} [0-9]{6} 10691$/);
      expect(demand).toMatchObject({
        state: 'active',
        version: 1,
        department: '057',
        createdBy: '10691',
        applicant: { lastName: input.applicant.lastName },
      });
      const [event] = await waitFor(
        () => {
          const found = eventsOf(demand.numeroUnique);
          return found.length > 0 && found;
        },
        { description: 'the registered event' },
      );
      expect(event).toMatchObject({
        type: DemandEventTypes.Registered,
        demandversion: 1,
        guichet: '10691',
        data: { demand: { numeroUnique: demand.numeroUnique, guichetCode: '10691', version: 1 } },
      });
      expect(event.data.demand.wishedHousing).toEqual(input.wishedHousing);
    });

    it('refuses invalid data with the path and the reason, and stores nothing', async () => {
      const input = someone('invalid');
      const cases: Array<[unknown, string]> = [
        [{ ...input, referenceTaxIncome: undefined }, '/referenceTaxIncome'],
        [
          { ...input, applicant: { ...input.applicant, birthDate: '1990-02-30' } },
          '/applicant/birthDate',
        ],
        [{ ...input, applicant: { ...input.applicant, nir: '285045746312399' } }, '/applicant/nir'],
        [
          { ...input, wishedHousing: { ...input.wishedHousing, communes: ['57999'] } },
          '/wishedHousing/communes/0',
        ],
        [
          { ...input, applicant: { ...input.applicant, lastName: { $gt: '' } } },
          '/applicant/lastName',
        ],
      ];
      for (const [body, pointer] of cases) {
        const refused = await http('POST', '/demands', body, METZ_GUICHET);
        expect(refused.status).toBe(400);
        expect(refused.body.error.code).toBe('invalid-input');
        expect(
          refused.body.error.details.issues.map((issue: { path: string }) => issue.path),
        ).toContain(pointer);
      }
      const malformed = await http('POST', '/demands', '{"applicant":', METZ_GUICHET);
      expect(malformed.status).toBe(400);
      // Nothing half-applied: the valid input still registers, as a first demand (no duplicate).
      expect((await http('POST', '/demands', input, METZ_GUICHET)).status).toBe(201);
    });

    it('answers 409 with the duplicates, and records a forcing', async () => {
      const input = someone('duplicate');
      const first = (await http('POST', '/demands', input, METZ_GUICHET)).body.demand;
      const sameInOtherSpelling = {
        ...input,
        applicant: {
          ...input.applicant,
          lastName: input.applicant.lastName.toUpperCase(),
          firstName: input.applicant.firstName.replace(' ', '-'),
        },
      };
      const refused = await http('POST', '/demands', sameInOtherSpelling, METZ_GUICHET);
      expect(refused.status).toBe(409);
      expect(refused.body.error.details).toMatchObject({
        code: 'duplicate',
        duplicates: [first.numeroUnique],
      });
      const forced = await http(
        'POST',
        '/demands?forceDuplicate=true',
        sameInOtherSpelling,
        METZ_GUICHET,
      );
      expect(forced.status).toBe(201);
      const metrics = await (
        await fetch(`${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/metrics`)
      ).text();
      expect(metrics).toMatch(/sne_duplicate_forcings_total\{[^}]*guichet="10691"[^}]*\} 1/);
    });

    it("refuses a demand outside the guichet's territory, and callers without a guichet token", async () => {
      expect((await http('POST', '/demands', someone('territory'), PARIS_GUICHET)).status).toBe(
        403,
      );
      expect((await http('POST', '/demands', someone('territory'))).status).toBe(401);
      expect((await http('POST', '/demands', someone('territory'), operatorAuth())).status).toBe(
        403,
      );
    });

    it('gives 50 parallel registrations in one department 50 distinct numbers', async () => {
      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          http('POST', '/demands', someone('parallel'), METZ_GUICHET),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(201));
      const numbers = new Set(answers.map((answer) => answer.body.demand.numeroUnique as string));
      expect(numbers.size).toBe(50);
    });
  });

  describe('read and update', () => {
    it('reads a demand in the territory, audit-logged; 404, 403 and 400 otherwise', async () => {
      const demand = (await http('POST', '/demands', someone('read'), METZ_GUICHET)).body.demand;
      const read = await http('GET', path(demand.numeroUnique), undefined, METZ_GUICHET);
      expect(read.status).toBe(200);
      expect(read.etag).toBe('"1"');
      expect(read.body.demand).toEqual(demand);
      const consultant = operatorAuth('consultant.metz', ['consultant-simple']);
      expect((await http('GET', path(demand.numeroUnique), undefined, consultant)).status).toBe(
        200,
      );
      expect((await http('GET', path(demand.numeroUnique), undefined, PARIS_GUICHET)).status).toBe(
        403,
      );
      expect(
        (await http('GET', path('057 0101 999999 10691'), undefined, METZ_GUICHET)).status,
      ).toBe(404);
      expect((await http('GET', path('not a number'), undefined, METZ_GUICHET)).status).toBe(400);
      const audit = await kafka.auditEntries(
        (entry) =>
          entry.numeroUniques.includes(demand.numeroUnique) && entry.action === 'read-demand',
        2,
      );
      expect(audit.map((entry) => [entry.who, entry.action])).toEqual([
        ['guichet:10691', 'read-demand'],
        ['operator:consultant.metz', 'read-demand'],
      ]);
    });

    it('shows a consultant simple no NIR, incomes, resources or disability, in reads and searches', async () => {
      const input = aDemandInput({
        applicant: anApplicant({
          lastName: 'Testeur profil',
          firstName: 'Camille',
          birthName: undefined,
        }),
      });
      const demand = (await http('POST', '/demands', input, METZ_GUICHET)).body.demand;
      expect(demand.applicant.nir).toBeDefined();
      expect(demand.referenceTaxIncome).toBeDefined();
      const simple = operatorAuth('consultant.simple', ['consultant-simple']);
      const read = (await http('GET', path(demand.numeroUnique), undefined, simple)).body.demand;
      expect(read.numeroUnique).toBe(demand.numeroUnique);
      expect(read.applicant.lastName).toBe(demand.applicant.lastName);
      for (const field of ['referenceTaxIncome', 'monthlyResources', 'disability'])
        expect(read).not.toHaveProperty(field);
      expect(read.applicant).not.toHaveProperty('nir');
      expect(JSON.stringify(read)).not.toContain(demand.applicant.nir);
      const found = await http(
        'GET',
        `/demands?numeroUnique=${encodeURIComponent(demand.numeroUnique)}`,
        undefined,
        simple,
      );
      expect(found.status).toBe(200);
      expect(JSON.stringify(found.body)).not.toContain(demand.applicant.nir);
      const fuller = operatorAuth('consultant.demande', ['consultant-demande']);
      const full = (await http('GET', path(demand.numeroUnique), undefined, fuller)).body.demand;
      expect(full.applicant.nir).toBe(demand.applicant.nir);
      expect(full.referenceTaxIncome).toEqual(demand.referenceTaxIncome);
    });

    it("searches the territory by the seeds' criteria, in pages, and exports CSV", async () => {
      const created: string[] = [];
      for (let i = 0; i < 3; i++)
        created.push(
          (await http('POST', '/demands', someone('recherche'), METZ_GUICHET)).body.demand
            .numeroUnique,
        );
      const query = `lastName=${encodeURIComponent('testeur RECHERCHE')}&state=active`;
      const all = await http('GET', `/demands?${query}`, undefined, METZ_GUICHET);
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ page: 1, total: 3 });
      expect(
        all.body.demands.map((demand: { numeroUnique: string }) => demand.numeroUnique),
      ).toEqual([...created].sort());
      const second = await http(
        'GET',
        `/demands?${query}&pageSize=2&page=2`,
        undefined,
        METZ_GUICHET,
      );
      expect(second.body.demands).toHaveLength(1);
      expect((await http('GET', `/demands?${query}`, undefined, PARIS_GUICHET)).body.total).toBe(0);
      const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      const csv = await fetch(`${base}/demands?${query}&format=csv`, { headers: METZ_GUICHET });
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const lines = (await csv.text()).trim().split('\r\n');
      expect(lines).toHaveLength(4);
      expect(lines[0]).toContain('numero_unique;etat');
      for (const bad of [
        'colour=blue',
        'lastName[$ne]=x',
        'depositFrom=yesterday',
        'pageSize=1000',
      ]) {
        const refused = await http('GET', `/demands?${bad}`, undefined, METZ_GUICHET);
        expect(refused.status).toBe(400);
      }
      const searches = await kafka.auditEntries(
        (entry) => entry.numeroUniques.includes(created[0]) && entry.action === 'search-demands',
        2,
      );
      expect(searches.every((entry) => entry.app === 'registration')).toBe(true);
    });

    it('gives the registration certificate as a PDF whose QR code decodes to the number, signed', async () => {
      const demand = (await http('POST', '/demands', someone('certificate'), METZ_GUICHET)).body
        .demand;
      const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      const response = await fetch(`${base}${path(demand.numeroUnique)}/certificate`, {
        headers: METZ_GUICHET,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/pdf');
      const pdf = Buffer.from(await response.arrayBuffer());
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const publicKey = createPublicKey(
        await (await fetch(`${base}/certificates/public-key`)).text(),
      );
      const [page] = await readQrCodesFromPdf(pdf, { firstPage: 1, lastPage: 1 });
      const parsed = parseQrPayload(page.text!, publicKey);
      expect(parsed).toMatchObject({
        ok: true,
        payload: { kind: 'registration-certificate', numeroUnique: demand.numeroUnique },
      });
      expect(
        (await fetch(`${base}${path(demand.numeroUnique)}/certificate`, { headers: PARIS_GUICHET }))
          .status,
      ).toBe(403);
    });

    it('updates at the version read, announces it, and answers 409 to a stale version', async () => {
      const input = someone('update');
      const demand = (await http('POST', '/demands', input, METZ_GUICHET)).body.demand;
      const changed = {
        ...input,
        motives: ['01'],
        contact: { ...input.contact, mobile: '0698765432' },
      };
      const updated = await http('PUT', path(demand.numeroUnique), changed, {
        ...METZ_GUICHET,
        'if-match': '"1"',
      });
      expect(updated.status).toBe(200);
      expect(updated.etag).toBe('"2"');
      expect(updated.body.demand).toMatchObject({
        version: 2,
        motives: ['01'],
        depositDate: demand.depositDate,
      });
      const stale = await http('PUT', path(demand.numeroUnique), changed, {
        ...METZ_GUICHET,
        'if-match': '"1"',
      });
      expect(stale.status).toBe(409);
      expect(stale.body.error).toMatchObject({
        code: 'stale-version',
        details: { currentVersion: 2 },
      });
      expect((await http('PUT', path(demand.numeroUnique), changed, METZ_GUICHET)).status).toBe(
        400,
      );
      const renamed = { ...changed, applicant: { ...changed.applicant, lastName: 'Autre' } };
      expect(
        (
          await http('PUT', path(demand.numeroUnique), renamed, {
            ...METZ_GUICHET,
            'if-match': '"2"',
          })
        ).status,
      ).toBe(422);
      const announced = await waitFor(
        () => {
          const found = eventsOf(demand.numeroUnique);
          return found.length >= 2 && found;
        },
        { description: 'registered and updated events' },
      );
      expect(announced.map((event) => [event.type, event.demandversion])).toEqual([
        [DemandEventTypes.Registered, 1],
        [DemandEventTypes.Updated, 2],
      ]);
    });

    it('lets one of two parallel updates of one version win, the other gets 409', async () => {
      const input = someone('race');
      const demand = (await http('POST', '/demands', input, METZ_GUICHET)).body.demand;
      const [a, b] = await Promise.all(
        [['01'], ['02']].map((motives) =>
          http(
            'PUT',
            path(demand.numeroUnique),
            { ...input, motives },
            { ...METZ_GUICHET, 'if-match': '"1"' },
          ),
        ),
      );
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const read = await http('GET', path(demand.numeroUnique), undefined, METZ_GUICHET);
      expect(read.body.demand.version).toBe(2);
    });
  });
});

describe('registration: renewal, radiation, reactivation through a year', () => {
  const isolation = isolate('registration-life');
  const kafka = new TestKafka(isolation.topicPrefix);
  const clock = new ManualClock(new Date('2025-01-10T09:00:00Z'));
  const LANDLORD = guichetAuth('10691', ['057'], 'landlord', '552081317');
  const TOWN = guichetAuth('57463', ['057'], 'municipality');
  let app: INestApplication;
  let http: ReturnType<typeof client>;

  beforeAll(async () => {
    await kafka.createPlatformTopics();
    let url: string;
    ({ app, url } = await startApp(
      AppModule.forRoot(loadRegistrationConfig(appEnv(isolation, { OUTBOX_SWEEP_MS: '1000' }))),
      { clock },
    ));
    http = client(url);
  });

  afterAll(async () => {
    await app?.close();
    await kafka.cleanup();
  });

  const register = async (guichet = LANDLORD) =>
    (await http('POST', '/demands', someone('life'), guichet)).body.demand as Record<string, any>;
  const post = (
    numero: string,
    action: string,
    version: number,
    body?: unknown,
    guichet = LANDLORD,
  ) =>
    http('POST', `${path(numero)}/${action}`, body ?? {}, {
      ...guichet,
      'if-match': `"${version}"`,
    });

  it('renews, keeping the anniversary of the initial deposit', async () => {
    clock.set(new Date('2025-01-10T09:00:00Z'));
    const demand = await register();
    expect(demand.anniversaryDate).toBe('2026-01-10');
    clock.set(new Date('2025-12-01T09:00:00Z'));
    const renewed = await post(demand.numeroUnique, 'renewal', 1);
    expect(renewed.status).toBe(200);
    expect(renewed.body.demand).toMatchObject({
      version: 2,
      depositDate: '2025-01-10',
      anniversaryDate: '2027-01-10',
      renewals: [{ date: '2025-12-01', guichetCode: '10691', online: false }],
    });
    expect((await post(demand.numeroUnique, 'renewal', 1)).status).toBe(409);
    expect((await http('POST', `${path(demand.numeroUnique)}/renewal`, {}, LANDLORD)).status).toBe(
      400,
    );
  });

  it('radiates with a motive; a radiated demand is neither renewed nor changed', async () => {
    clock.set(new Date('2025-03-01T09:00:00Z'));
    const demand = await register();
    const radiated = await post(demand.numeroUnique, 'radiation', 1, {
      motive: 'RADABA',
      date: '2025-03-01',
    });
    expect(radiated.status).toBe(200);
    expect(radiated.body.demand).toMatchObject({
      state: 'radiated',
      radiation: { motive: 'RADABA', date: '2025-03-01' },
    });
    const renewal = await post(demand.numeroUnique, 'renewal', 2);
    expect(renewal.status).toBe(422);
    expect(renewal.body.error.details.issues[0].message).toBe('demand-radiated');
    const reactivation = await post(demand.numeroUnique, 'reactivation', 2);
    expect(reactivation.status).toBe(422);
    expect(reactivation.body.error.details.issues[0].message).toBe('not-radiated-for-non-renewal');
  });

  it('records an attribution by a landlord only, in the territory, lease signed by the recording date', async () => {
    clock.set(new Date('2025-04-01T09:00:00Z'));
    const demand = await register();
    clock.set(new Date('2025-04-15T09:00:00Z'));
    const attribution = (overrides: Record<string, unknown> = {}) => ({
      motive: 'RADATT',
      date: '2025-04-15',
      attribution: {
        commune: '57463',
        leaseSignedOn: '2025-04-14',
        reservationQuota: 'PREF',
        ...overrides,
      },
    });
    const byTown = await post(demand.numeroUnique, 'radiation', 1, attribution(), TOWN);
    expect(byTown.status).toBe(422);
    expect(byTown.body.error.details.issues[0].message).toBe('attribution-by-landlord-only');
    const outside = await post(
      demand.numeroUnique,
      'radiation',
      1,
      attribution({ commune: '75056' }),
    );
    expect(outside.status).toBe(422);
    expect(outside.body.error.details.issues[0].message).toBe('commune-outside-territory');
    const lateLease = await post(
      demand.numeroUnique,
      'radiation',
      1,
      attribution({ leaseSignedOn: '2025-04-16' }),
    );
    expect(lateLease.status).toBe(422);
    const recorded = await post(demand.numeroUnique, 'radiation', 1, attribution());
    expect(recorded.status).toBe(200);
    expect(recorded.body.demand.radiation).toMatchObject({
      motive: 'RADATT',
      attribution: { commune: '57463', landlordSiren: '552081317', reservationQuota: 'PREF' },
    });
  });

  it('shows the dates the renewal notices went out', async () => {
    clock.set(new Date('2025-01-25T09:00:00Z'));
    const demand = await register();
    const notice = (channel: string, sentAt: string) =>
      encodeEvent(
        createEvent({
          type: NoticeEventTypes.Sent,
          source: 'sne://renewal-notices',
          subject: demand.numeroUnique,
          correlationId: 'test-notices',
          data: { numeroUnique: demand.numeroUnique, cycle: '2026-01-25', channel, sentAt },
        }),
      );
    const producer = kafka.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: kafka.topic(Topics.NoticeEvents),
      messages: [
        notice('email', '2025-11-25T08:00:00.000Z'),
        notice('sms', '2025-11-25T08:05:00.000Z'),
        notice('registered-letter', '2025-12-26T07:00:00.000Z'),
      ],
    });
    await producer.disconnect();
    const shown = await waitFor(
      async () => {
        const read = (await http('GET', path(demand.numeroUnique), undefined, LANDLORD)).body
          .demand;
        return read?.renewalNotices?.registeredSentOn && read;
      },
      { timeoutMs: 30_000, description: 'the notice dates on the demand' },
    );
    expect(shown.renewalNotices).toEqual({
      simpleSentOn: '2025-11-25',
      registeredSentOn: '2025-12-26',
    });
    expect(shown.version).toBe(1);
  });

  it('applies the radiate-for-non-renewal command, and reactivates within 5 months only', async () => {
    clock.set(new Date('2025-01-20T09:00:00Z'));
    const first = await register();
    const second = await register();
    clock.set(new Date('2026-02-21T09:00:00Z'));
    const producer = kafka.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: kafka.topic(Topics.RegistrationCommands),
      messages: [first, second].map((demand) =>
        encodeEvent(
          createEvent({
            type: RegistrationCommandTypes.RadiateForNonRenewal,
            source: 'sne://renewal-notices',
            subject: demand.numeroUnique,
            correlationId: 'test-non-renewal',
            data: { numeroUnique: demand.numeroUnique, cycle: '2026-01-20', expectedVersion: 1 },
          }),
        ),
      ),
    });
    await producer.disconnect();
    for (const demand of [first, second]) {
      await waitFor(
        async () =>
          (await http('GET', path(demand.numeroUnique), undefined, LANDLORD)).body.demand?.state ===
          'radiated',
        { timeoutMs: 30_000, description: 'the demand radiated for non-renewal' },
      );
    }
    const radiated = (await http('GET', path(first.numeroUnique), undefined, LANDLORD)).body.demand;
    expect(radiated.radiation).toMatchObject({
      motive: 'RADREN',
      date: '2026-02-21',
      recordedBy: 'system',
    });

    clock.set(new Date('2026-07-21T09:00:00Z'));
    const reactivated = await post(first.numeroUnique, 'reactivation', 2);
    expect(reactivated.status).toBe(200);
    expect(reactivated.body.demand).toMatchObject({
      state: 'active',
      version: 3,
      anniversaryDate: '2027-01-20',
    });
    clock.set(new Date('2026-07-22T09:00:00Z'));
    const tooLate = await post(second.numeroUnique, 'reactivation', 2);
    expect(tooLate.status).toBe(422);
    expect(tooLate.body.error.details.issues[0].message).toBe('reactivation-period-over');
  });
});

describe('registration: the outbox while Kafka is away', () => {
  const isolation = isolate('registration-outbox');
  let broker: PrivateKafka;
  let kafka: TestKafka;
  let app: INestApplication;
  let http: ReturnType<typeof client>;

  beforeAll(async () => {
    broker = await PrivateKafka.start();
    kafka = new TestKafka(isolation.topicPrefix, broker.brokers);
    await kafka.createPlatformTopics();
    let url: string;
    ({ app, url } = await startApp(
      AppModule.forRoot(
        loadRegistrationConfig(
          appEnv(isolation, { KAFKA_BROKERS: broker.brokers.join(','), OUTBOX_SWEEP_MS: '2000' }),
        ),
      ),
    ));
    http = client(url);
  });

  afterAll(async () => {
    await app?.close();
    // Its readers first: a consumer left on a stopped broker retries for ever.
    await kafka?.cleanup();
    await broker?.destroy();
  });

  it('keeps answering, then publishes every event once, in order per demand', async () => {
    await broker.stop();
    const numbers: string[] = [];
    for (let i = 0; i < 100; i++) {
      const input = someone('outbox');
      const created = await http('POST', '/demands', input, METZ_GUICHET);
      expect(created.status).toBe(201);
      const numero = created.body.demand.numeroUnique as string;
      numbers.push(numero);
      const updated = await http(
        'PUT',
        path(numero),
        { ...input, motives: ['01'] },
        { ...METZ_GUICHET, 'if-match': '"1"' },
      );
      expect(updated.status).toBe(200);
    }
    await broker.start();
    const reader = await kafka.collect(Topics.DemandEvents);
    const messages = await reader.waitForCount(200, 120_000);
    const published = messages.map(
      (message) => JSON.parse(message.value!.toString()) as CloudEvent,
    );
    expect(new Set(published.map((event) => event.id)).size).toBe(published.length);
    for (const numero of numbers) {
      expect(
        published.filter((event) => event.subject === numero).map((event) => event.demandversion),
      ).toEqual([1, 2]);
    }
  }, 600_000);
});
