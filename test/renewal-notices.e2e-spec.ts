import type { INestApplication } from '@nestjs/common';
import { type CloudEvent, type NoticeEventData, NoticeEventTypes, Topics } from '@sne/contracts';
import { aDemandInput, anApplicant, type DemandInput, renewalSmsText } from '@sne/domain';
import { ManualClock } from '@sne/platform';
import { QueueFactory } from '@sne/queues';
import {
  appEnv,
  guichetAuth,
  isolate,
  operatorAuth,
  testToken,
  SmppSinkClient,
  SmtpSinkClient,
  startApp,
  TestKafka,
  testStack,
  waitFor,
} from '@sne/testing';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppModule as ConsoleModule } from '../apps/console/src/app.module';
import { loadConsoleConfig } from '../apps/console/src/config';
import {
  reserveIdentityProvider,
  type ReservedIdentityProvider,
  signedInConsole,
} from './support/identity-provider';
import { AppModule as RegistrationModule } from '../apps/registration/src/app.module';
import { loadRegistrationConfig } from '../apps/registration/src/config';
import { AppModule as RenewalNoticesModule } from '../apps/renewal-notices/src/app.module';
import { loadRenewalNoticesConfig } from '../apps/renewal-notices/src/config';
import { NoticeQueues } from '../apps/renewal-notices/src/notices/notice-queues';
import { NoticeWorkers } from '../apps/renewal-notices/src/notices/notice-workers';
import { SCAN_QUEUE } from '../apps/renewal-notices/src/scan/scan-scheduler';
import { jsonClient } from './support/http-client';

const run = promisify(execFile);
const stack = testStack();
const smtp = new SmtpSinkClient(stack.smtpSinkApiUrl);
const smpp = new SmppSinkClient(stack.smppSinkApiUrl);
const GUICHET = guichetAuth('10691', ['057'], 'landlord');
const ADMIN = operatorAuth();
/** This run's addresses: the sinks keep what other runs sent. */
const TAG = `rn${randomInt(1e9)}`;

const letters = (n: number) => String.fromCharCode(97 + (n % 26)).repeat(1 + Math.floor(n / 26));
let people = 0;

interface Person {
  readonly email?: string;
  readonly mobile?: string;
  readonly input: DemandInput;
}

function person(contact: { email?: boolean; mobile?: boolean }): Person {
  const n = people++;
  const email = contact.email ? `${TAG}.${n}@example.fr` : undefined;
  const mobile = contact.mobile ? `07${String(randomInt(1e8)).padStart(8, '0')}` : undefined;
  const input = aDemandInput({
    applicant: anApplicant({
      lastName: `Renouvelle ${TAG.replace(/[0-9]/g, '')}`,
      firstName: `Dominique ${letters(n)}${letters(Number(TAG.slice(2)) % 600)}`,
      birthName: undefined,
      nir: undefined,
    }),
    contact: {
      ...(email ? { email } : {}),
      ...(mobile ? { mobile, smsConsent: true } : {}),
    },
  });
  return { ...(email ? { email } : {}), ...(mobile ? { mobile } : {}), input };
}

const msisdn = (mobile: string) => `33${mobile.slice(1)}`;
const path = (numero: string) => `/demands/${encodeURIComponent(numero)}`;

async function pdfText(pdf: Buffer): Promise<{ pages: number; text: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'sne-letters-'));
  try {
    const file = join(directory, 'letters.pdf');
    await writeFile(file, pdf);
    const info = await run('pdfinfo', [file]);
    const pages = Number(/Pages:\s+(\d+)/.exec(info.stdout)?.[1]);
    const { stdout } = await run('pdftotext', ['-layout', file, '-']);
    return { pages, text: stdout };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function pdfOf(
  url: string,
  headers: Record<string, string> = ADMIN,
): Promise<{ status: number; pdf: Buffer; type: string | null }> {
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    pdf: Buffer.from(await response.arrayBuffer()),
    type: response.headers.get('content-type'),
  };
}

/**
 * The registration and renewal-notices apps on one manual clock, talking over the real Kafka,
 * FerretDB, Redis, SMTP and SMPP servers.
 */
function platform(label: string, start: string, renewalEnv: Record<string, string> = {}) {
  const isolation = isolate(label);
  const kafka = new TestKafka(isolation.topicPrefix);
  const clock = new ManualClock(new Date(start));
  const state = {
    registration: undefined as INestApplication | undefined,
    notices: undefined as INestApplication | undefined,
    registrationHttp: undefined as unknown as ReturnType<typeof jsonClient>,
    noticesHttp: undefined as unknown as ReturnType<typeof jsonClient>,
    noticesUrl: '',
    /** Where the console's identity provider will be: renewal-notices trusts its tokens too. */
    identityProvider: undefined as unknown as ReservedIdentityProvider,
  };
  const noticesEnv = appEnv(isolation, {
    MONGODB_DATABASE: `${isolation.database}-notices`,
    NOTICE_BACKOFF_MS: '300',
    NOTICE_ATTEMPTS: '10',
    NOTICE_LOCK_MS: '3000',
    // The test moves its own clock and scans when it means to.
    RENEWAL_SCAN_CRON: 'off',
    ...renewalEnv,
  });

  const startNotices = async () => {
    const { app, url } = await startApp(
      RenewalNoticesModule.forRoot(loadRenewalNoticesConfig(noticesEnv)),
      { clock },
    );
    state.notices = app;
    state.noticesUrl = url;
    state.noticesHttp = jsonClient(url);
  };

  beforeAll(async () => {
    state.identityProvider = await reserveIdentityProvider();
    noticesEnv.AUTH_ISSUER = state.identityProvider.authIssuers;
    await kafka.createPlatformTopics();
    const registration = await startApp(
      RegistrationModule.forRoot(
        loadRegistrationConfig(appEnv(isolation, { OUTBOX_SWEEP_MS: '1000' })),
      ),
      { clock },
    );
    state.registration = registration.app;
    state.registrationHttp = jsonClient(registration.url);
    await startNotices();
  });

  afterAll(async () => {
    await state.notices?.close();
    await state.registration?.close();
    await kafka.cleanup();
  });

  const register = async (who: Person): Promise<string> => {
    const answer = await state.registrationHttp('POST', '/demands', who.input, GUICHET);
    expect(answer.status).toBe(201);
    return answer.body.demand.numeroUnique as string;
  };

  /** Waits until the renewal-notices app has the demand at this version at least. */
  const projected = (numero: string) =>
    waitFor(
      async () => {
        const answer = await state.noticesHttp('GET', `${path(numero)}/notices`, undefined, ADMIN);
        return answer.status === 200 ? answer.body : undefined;
      },
      { timeoutMs: 60_000, description: `the calendar of ${numero}` },
    );

  const scanAt = async (instant: string) => {
    clock.set(new Date(instant));
    const answer = await state.noticesHttp('POST', '/scans', {}, ADMIN);
    expect(answer.status).toBe(200);
    return answer.body as { today: string; days: string[]; examined: number; enqueued: number };
  };

  return { isolation, kafka, clock, state, register, projected, scanAt, startNotices };
}

describe('renewal notices: a cohort through a year', () => {
  const world = platform('renewal-year', '2025-01-10T09:00:00Z');
  const withBoth = [0, 1, 2].map(() => person({ email: true, mobile: true }));
  const paperOnly = [0, 1].map(() => person({}));
  const renewer = person({ email: true, mobile: true });
  const numeros = new Map<Person, string>();
  const numero = (who: Person) => numeros.get(who) ?? '';
  let noticeEvents: Awaited<ReturnType<TestKafka['collect']>>;

  beforeAll(async () => {
    noticeEvents = await world.kafka.collect(Topics.NoticeEvents);
    for (const who of [...withBoth, ...paperOnly, renewer])
      numeros.set(who, await world.register(who));
    for (const who of numeros.keys()) {
      const calendar = await world.projected(numero(who));
      expect(calendar.cycle).toBe('2026-01-10');
    }
  });

  it('plans each cohort member by its contacts: email and SMS, or a plain letter', async () => {
    const both = await world.projected(numero(withBoth[0]));
    expect(both.planned).toEqual([
      { cycle: '2026-01-10', kind: 'email', dueDate: '2025-11-10' },
      { cycle: '2026-01-10', kind: 'sms', dueDate: '2025-11-10' },
      { cycle: '2026-01-10', kind: 'registered-letter', dueDate: '2025-12-10' },
      { cycle: '2026-01-10', kind: 'radiation-for-non-renewal', dueDate: '2026-02-10' },
    ]);
    const paper = await world.projected(numero(paperOnly[0]));
    expect(paper.planned.map((notice: { kind: string }) => notice.kind)).toEqual([
      'plain-letter',
      'registered-letter',
      'radiation-for-non-renewal',
    ]);
  });

  it('sends nothing before two months ahead of the anniversary', async () => {
    const report = await world.scanAt('2025-11-09T09:00:00Z');
    expect(report.enqueued).toBe(0);
    expect(report.days.at(-1)).toBe('2025-11-09');
  });

  it('two months ahead: the email and the seed SMS, a plain letter for those with neither', async () => {
    const report = await world.scanAt('2025-11-10T09:00:00Z');
    expect(report.enqueued).toBe(4 * 2 + 2);

    const mails = await smtp.waitForMessages(4, { filter: { to: TAG }, timeoutMs: 60_000 });
    for (const who of [...withBoth, renewer]) {
      const mail = mails.find((received) => received.to.includes(who.email!));
      expect(mail?.subject).toBe(`Renouvelez votre demande de logement social n° ${numero(who)}`);
      expect(mail?.text).toContain('doit être renouvelée avant le 10 janvier 2026');
      expect(mail?.html).toContain('href="https://www.demande-logement-social.gouv.fr"');
    }
    for (const who of [...withBoth, renewer]) {
      const [sms] = await smpp.waitForMessages(1, { filter: { to: msisdn(who.mobile!) } });
      expect(sms?.text).toBe(renewalSmsText({ numeroUnique: numero(who) }));
      expect(sms?.text).toBe(
        `Votre demande de logement social No: ${numero(who)} doit être renouvelée. Allez sur www.demande-logement-social.gouv.fr ou à votre guichet habituel.`,
      );
      expect(sms?.encoding).toBe('ucs2');
    }

    const batches = await waitFor(async () => {
      const list = await world.state.noticesHttp('GET', '/letters', undefined, ADMIN);
      const batch = (list.body as unknown as Array<Record<string, unknown>>).find(
        (found) => found['kind'] === 'plain-letter' && found['day'] === '2025-11-10',
      );
      return batch?.['letters'] === 2 ? list.body : undefined;
    });
    expect(batches).toBeDefined();
    const letters = await pdfOf(`${world.state.noticesUrl}/letters/plain-letter/2025-11-10`);
    expect(letters.status).toBe(200);
    expect(letters.type).toBe('application/pdf');
    const { pages, text } = await pdfText(letters.pdf);
    expect(pages).toBe(2);
    for (const who of paperOnly) expect(text).toContain(numero(who));
    expect(text).toContain('arrive à échéance le 10 janvier 2026');
    expect(text).toContain('57000 METZ');

    // A manager lists and prints the letters of their own territory's demands only.
    const manager = (territory: string[]) => ({
      authorization: `Bearer ${testToken({
        kind: 'operator',
        id: `manager.${territory.join('-')}`,
        roles: ['territorial-manager'],
        territory,
      })}`,
    });
    const paris = await world.state.noticesHttp('GET', '/letters', undefined, manager(['075']));
    expect(paris.status).toBe(200);
    expect(paris.body).toEqual([]);
    const refused = await pdfOf(
      `${world.state.noticesUrl}/letters/plain-letter/2025-11-10`,
      manager(['075']),
    );
    expect(refused.status).toBe(404);
    const moselle = await pdfOf(
      `${world.state.noticesUrl}/letters/plain-letter/2025-11-10`,
      manager(['057']),
    );
    expect(moselle.status).toBe(200);
    expect((await pdfText(moselle.pdf)).pages).toBe(2);
  });

  it('shows the date the first notice went out on the demand in the registration app', async () => {
    for (const who of [withBoth[0], paperOnly[0]]) {
      const shown = await waitFor(async () => {
        const read = await world.state.registrationHttp(
          'GET',
          path(numero(who)),
          undefined,
          GUICHET,
        );
        return read.body.demand?.renewalNotices?.simpleSentOn as string | undefined;
      });
      expect(shown).toBe('2025-11-10');
    }
    const sent = noticeEvents.messages
      .map(
        (message) => JSON.parse(message.value!.toString()) as CloudEvent<string, NoticeEventData>,
      )
      .filter((event) => event.type === NoticeEventTypes.Sent);
    expect(
      sent
        .filter((event) => event.subject === numero(withBoth[0]))
        .map((e) => e.data.channel)
        .sort(),
    ).toEqual(['email', 'sms']);
  });

  it('sends nothing twice when the same day is scanned again', async () => {
    const report = await world.scanAt('2025-11-10T15:00:00Z');
    expect(report.examined).toBe(0);
    // A duplicated job (its first run's record gone) finds the notice claimed and sends nothing.
    const queues = world.state.notices!.get(NoticeQueues);
    await queues.queue('email').obliterate({ force: true });
    await queues.enqueue({
      numeroUnique: numero(withBoth[1]),
      cycle: '2026-01-10',
      kind: 'email',
      version: 1,
    });
    await waitFor(async () => {
      const [job] = await queues.queue('email').getCompleted();
      return job?.returnvalue === 'already-claimed' ? job : undefined;
    });
    const mails = await smtp.messages({ to: withBoth[1].email! });
    expect(mails).toHaveLength(1);
  });

  it('one month ahead: a registered letter to everyone not renewed, none to the renewed', async () => {
    world.clock.set(new Date('2025-11-20T09:00:00Z'));
    const read = await world.state.registrationHttp(
      'GET',
      path(numero(renewer)),
      undefined,
      GUICHET,
    );
    const renewed = await world.state.registrationHttp(
      'POST',
      `${path(numero(renewer))}/renewal`,
      {},
      { ...GUICHET, 'if-match': read.etag! },
    );
    expect(renewed.status).toBe(200);
    await waitFor(async () => {
      const calendar = await world.projected(numero(renewer));
      return calendar.cycle === '2027-01-10' ? calendar : undefined;
    });

    const report = await world.scanAt('2025-12-10T09:00:00Z');
    expect(report.enqueued).toBe(5);
    const batch = await waitFor(async () => {
      const list = await world.state.noticesHttp('GET', '/letters', undefined, ADMIN);
      return (list.body as unknown as Array<Record<string, unknown>>).find(
        (found) =>
          found['kind'] === 'registered-letter' &&
          found['day'] === '2025-12-10' &&
          found['letters'] === 5,
      );
    });
    expect(batch).toBeDefined();
    const { pages, text } = await pdfText(
      (await pdfOf(`${world.state.noticesUrl}/letters/registered-letter/2025-12-10`)).pdf,
    );
    expect(pages).toBe(5);
    for (const who of [...withBoth, ...paperOnly]) expect(text).toContain(numero(who));
    expect(text).not.toContain(numero(renewer));
    expect(text).toContain('radiée pour non-renouvellement le 10 février 2026');
  });

  it('lists the queues and the letters in the console, the PDF passed through', async () => {
    const consoleApp = await signedInConsole(
      world.isolation,
      world.state.identityProvider,
      (env) => ConsoleModule.forRoot(loadConsoleConfig(env)),
      { RENEWAL_NOTICES_URL: world.state.noticesUrl },
      { login: 'admin.national', roles: ['national-admin'], territory: 'all' },
    );
    const get = (path: string) => consoleApp.browser.get(`${consoleApp.url}${path}`);
    try {
      const page = await (await get('/renewal')).text();
      expect(page).toContain('renewal-email');
      expect(page).toContain('<a href="/renewal/letters/registered-letter/2025-12-10">PDF</a>');
      const pdf = await get('/renewal/letters/registered-letter/2025-12-10');
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect((await pdfText(Buffer.from(await pdf.arrayBuffer()))).pages).toBe(5);
      const missing = await get('/renewal/letters/other/2025-12-10');
      expect(missing.status).toBe(404);
    } finally {
      await consoleApp.close();
    }
  });

  it('one month after the anniversary, the registration app radiates the demands not renewed', async () => {
    const report = await world.scanAt('2026-02-10T09:00:00Z');
    expect(report.enqueued).toBe(5);
    for (const who of [...withBoth, ...paperOnly]) {
      const radiated = await waitFor(async () => {
        const read = await world.state.registrationHttp(
          'GET',
          path(numero(who)),
          undefined,
          GUICHET,
        );
        return read.body.demand?.state === 'radiated' ? read.body.demand : undefined;
      });
      expect(radiated.radiation).toMatchObject({ motive: 'RADREN', date: '2026-02-10' });
    }
    const kept = await world.state.registrationHttp(
      'GET',
      path(numero(renewer)),
      undefined,
      GUICHET,
    );
    expect(kept.body.demand).toMatchObject({ state: 'active', anniversaryDate: '2027-01-10' });
    // The radiated demands leave the calendar: nothing more is planned for them.
    const after = await waitFor(async () => {
      const calendar = await world.projected(numero(withBoth[0]));
      return calendar.cycle === null ? calendar : undefined;
    });
    expect(after.planned).toEqual([]);
    expect(
      (await smtp.messages({ to: TAG })).filter((mail) => mail.to.includes(renewer.email!)),
    ).toHaveLength(1);
  });
  it('opens a new cycle when a guichet reactivates a demand radiated for non-renewal', async () => {
    const who = paperOnly[0];
    world.clock.set(new Date('2026-03-02T09:00:00Z'));
    const read = await world.state.registrationHttp('GET', path(numero(who)), undefined, GUICHET);
    const reactivated = await world.state.registrationHttp(
      'POST',
      `${path(numero(who))}/reactivation`,
      {},
      { ...GUICHET, 'if-match': read.etag! },
    );
    expect(reactivated.status).toBe(200);
    const anniversary = reactivated.body.demand.anniversaryDate as string;
    expect(anniversary > '2026-03-02').toBe(true);
    const calendar = await waitFor(async () => {
      const found = await world.projected(numero(who));
      return found.cycle === anniversary ? found : undefined;
    });
    expect(calendar.planned.map((notice: { kind: string }) => notice.kind)).toEqual([
      'plain-letter',
      'registered-letter',
      'radiation-for-non-renewal',
    ]);
  });
});

describe('renewal notices: providers that fail, workers that crash', () => {
  const world = platform('renewal-failures', '2025-03-02T09:00:00Z');

  afterEach(async () => {
    await smtp.setControl({ mode: 'accept', delayMs: 0 });
    await smpp.setControl({ mode: 'accept', receiptStatus: 'DELIVRD' });
  });

  /** Registers a cohort deposited on `day`: its first notices are due two months before `day` + 1 year. */
  const cohort = async (day: string, people: Person[]): Promise<string[]> => {
    world.clock.set(new Date(`${day}T09:00:00Z`));
    const numeros: string[] = [];
    for (const who of people) numeros.push(await world.register(who));
    for (const numero of numeros) await world.projected(numero);
    return numeros;
  };

  const claimsOf = async (numero: string) =>
    (await world.projected(numero)).notices as Array<Record<string, any>>;

  it('keeps mails through an SMTP outage and delivers each once when it is back', async () => {
    const people = [0, 1, 2, 3].map(() => person({ email: true }));
    await cohort('2025-03-03', people);
    await smtp.setControl({ mode: 'tempfail' });
    const report = await world.scanAt('2026-01-03T09:00:00Z');
    expect(report.enqueued).toBe(4);
    const queue = world.state.notices!.get(NoticeQueues).queue('email');
    await waitFor(
      async () => {
        const jobs = await queue.getJobs(['delayed', 'waiting', 'active']);
        return jobs.length === 4 && jobs.every((job) => job.attemptsMade >= 2) ? jobs : undefined;
      },
      { timeoutMs: 30_000, description: 'every mail retried at least twice' },
    );
    expect(await smtp.messages({ to: people[0].email! })).toHaveLength(0);
    world.clock.set(new Date('2026-01-03T10:00:00Z'));
    await smtp.setControl({ mode: 'accept' });
    for (const who of people) {
      await smtp.waitForMessages(1, { filter: { to: who.email! }, timeoutMs: 60_000 });
    }
    await waitFor(async () => ((await queue.getJobCounts())['completed'] ?? 0) >= 4 || undefined);
    for (const who of people) expect(await smtp.messages({ to: who.email! })).toHaveLength(1);
  });

  it('never sends a notice twice when the worker is killed in the middle of a batch', async () => {
    const people = Array.from({ length: 30 }, () => person({ email: true }));
    const numeros = await cohort('2025-03-04', people);
    await smtp.setControl({ delayMs: 300 });
    const report = await world.scanAt('2026-01-04T09:00:00Z');
    expect(report.enqueued).toBe(30);
    await waitFor(
      async () => {
        const received = await smtp.messages({ to: TAG });
        const ours = received.filter((mail) => people.some((who) => mail.to.includes(who.email!)));
        return ours.length >= 8 ? ours : undefined;
      },
      { timeoutMs: 30_000 },
    );
    // A crash: the workers stop without finishing their jobs, the app goes away, another starts.
    const workers = world.state.notices!.get(NoticeWorkers).workers;
    await Promise.all([...workers.values()].map((worker) => worker.close(true)));
    await world.state.notices!.close();
    await world.startNotices();

    const states = await waitFor(
      async () => {
        const all = await Promise.all(
          numeros.map(async (numero) => (await claimsOf(numero)).find((c) => c.kind === 'email')),
        );
        const queue = world.state.notices!.get(NoticeQueues).queue('email');
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed');
        const settled = Object.values(counts).every((count) => count === 0);
        return settled && all.every((claim) => claim !== undefined) ? all : undefined;
      },
      { timeoutMs: 60_000, description: 'every notice claimed and the queue drained' },
    );
    const received = await smtp.messages({ to: TAG });
    for (const who of people) {
      expect(received.filter((mail) => mail.to.includes(who.email!)).length).toBeLessThanOrEqual(1);
    }
    const delivered = people.filter((who) => received.some((mail) => mail.to.includes(who.email!)));
    const sent = states.filter((claim) => claim['state'] === 'sent');
    const inDoubt = states.filter((claim) => claim['state'] === 'sending');
    expect(sent.length + inDoubt.length).toBe(30);
    // Only the mails in the relay's hands at the crash can be in doubt (8 workers at once).
    expect(inDoubt.length).toBeLessThanOrEqual(8);
    expect(delivered.length).toBeGreaterThanOrEqual(sent.length);
  });

  it('sends a plain letter instead of an SMS the network could not deliver', async () => {
    const who = person({ mobile: true });
    const [numero] = await cohort('2025-03-05', [who]);
    await smpp.setControl({ receiptStatus: 'UNDELIV' });
    await world.scanAt('2026-01-05T09:00:00Z');
    const claims = await waitFor(async () => {
      const found = await claimsOf(numero);
      const letter = found.find((claim) => claim['kind'] === 'plain-letter');
      return letter?.['state'] === 'sent' ? found : undefined;
    });
    expect(claims.find((claim) => claim['kind'] === 'sms')).toMatchObject({
      state: 'undeliverable',
      report: 'UNDELIV',
      fallback: 'plain-letter',
    });
    const { text } = await pdfText(
      (await pdfOf(`${world.state.noticesUrl}/letters/plain-letter/2026-01-05`)).pdf,
    );
    expect(text).toContain(numero);
  });

  it('sends a plain letter instead of an email the relay refused for good (550)', async () => {
    const who = person({ email: true });
    const [numero] = await cohort('2025-03-06', [who]);
    await smtp.setControl({ mode: 'reject' });
    await world.scanAt('2026-01-06T09:00:00Z');
    const claims = await waitFor(async () => {
      const found = await claimsOf(numero);
      const letter = found.find((claim) => claim['kind'] === 'plain-letter');
      return letter?.['state'] === 'sent' ? found : undefined;
    });
    expect(claims.find((claim) => claim['kind'] === 'email')).toMatchObject({
      state: 'bounced',
      fallback: 'plain-letter',
    });
  });

  it('holds an SMS due in the quiet hours until the morning', async () => {
    const who = person({ mobile: true });
    const [numero] = await cohort('2025-03-07', [who]);
    // 21:30 in Paris (UTC+1 in winter).
    await world.scanAt('2026-01-07T20:30:00Z');
    const queue = world.state.notices!.get(NoticeQueues).queue('sms');
    const [job] = await waitFor(async () => {
      const delayed = await queue.getDelayed();
      const ours = delayed.filter((found) => found.data.numeroUnique === numero);
      return ours.length === 1 ? ours : undefined;
    });
    // Until 08:00 in Paris the next day: 10 h 30 min.
    expect(job.delay).toBe(10.5 * 3600 * 1000);
    expect(await smpp.messages({ to: msisdn(who.mobile!) })).toHaveLength(0);
    world.clock.set(new Date('2026-01-08T07:00:00Z'));
    await job.promote();
    const [sms] = await smpp.waitForMessages(1, { filter: { to: msisdn(who.mobile!) } });
    expect(sms?.text).toBe(renewalSmsText({ numeroUnique: numero }));
  });
});

describe('renewal notices: the daily scan on its schedule', () => {
  const world = platform('renewal-schedule', '2025-03-10T09:00:00Z', {
    RENEWAL_SCAN_CRON: '* * * * * *',
  });

  it('runs the scan from the BullMQ job scheduler, as often as its cron says', async () => {
    const who = person({ email: true });
    const numero = await world.register(who);
    await world.projected(numero);
    world.clock.set(new Date('2026-01-10T09:00:00Z'));
    const scans = world.state.notices!.get(QueueFactory).queue(SCAN_QUEUE);
    const completed = await waitFor(async () => {
      const jobs = await scans.getCompleted();
      return jobs.some((job) => (job.returnvalue as { today?: string }).today === '2026-01-10')
        ? jobs
        : undefined;
    });
    expect(completed.length).toBeGreaterThan(0);
    const [mail] = await smtp.waitForMessages(1, { filter: { to: who.email! } });
    expect(mail?.subject).toContain(numero);
  });
});
