import type { INestApplication } from '@nestjs/common';
import { type CloudEvent, type DemandEventData, DemandEventTypes, Topics } from '@sne/contracts';
import { aCoApplicant, aDemandInput, anApplicant } from '@sne/domain';
import { ManualClock } from '@sne/platform';
import { parseQrPayload, readQrCodesFromPdf } from '@sne/printing';
import {
  appEnv,
  guichetAuth,
  isolate,
  operatorAuth,
  startApp,
  signTestToken,
  TestKafka,
  waitFor,
} from '@sne/testing';
import { createPublicKey } from 'node:crypto';
import { AppModule } from '../apps/registration/src/app.module';
import { loadRegistrationConfig } from '../apps/registration/src/config';
import { NumeroAllocator } from '../apps/registration/src/demands/numero-allocator';
import { PendingDemandRepository } from '../apps/registration/src/pending/pending-demand.repository';
import { type Answer, jsonClient } from './support/http-client';

const METZ_GUICHET = guichetAuth('10691', ['057'], 'landlord', '552081317');
const TOWN_GUICHET = guichetAuth('57463', ['057'], 'municipality');
const PARIS_GUICHET = guichetAuth('75120', ['075'], 'municipality');

/** Letters only (names are checked): 0 → "a", 27 → "bb". */
const letters = (n: number) => String.fromCharCode(97 + (n % 26)).repeat(1 + Math.floor(n / 26));
let people = 0;
/** A person nobody registered yet in this file, reachable at `email`. */
function someone(tag: string, email?: string) {
  const n = people++;
  const input = aDemandInput({
    applicant: anApplicant({
      lastName: `Portail ${tag}`,
      firstName: `Dominique ${letters(n)}`,
      birthName: undefined,
      nir: undefined,
    }),
  });
  return email ? { ...input, contact: { ...input.contact, email } } : input;
}

let accounts = 0;
/** An applicant signed in on the portal, with a fresh verified address. */
function anApplicantAccount() {
  const n = accounts++;
  const email = `demandeur.${n}.${Date.now()}@example.org`;
  const token = signTestToken({ kind: 'applicant', id: `account-${n}`, email });
  return { id: `account-${n}`, email, auth: { authorization: `Bearer ${token}` } };
}

const client = jsonClient;

/** As the API answers it: fields set to undefined are left out. */
const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const path = (numero: string) => `/demands/${encodeURIComponent(numero)}`;
const issuePaths = (answer: Answer) =>
  (answer.body.error?.details?.issues ?? []).map((issue: { path: string }) => issue.path);
const refusalCode = (answer: Answer) => answer.body.error?.details?.issues?.[0]?.message;

describe('registration: drafts, the portal, shared management, certificates', () => {
  const isolation = isolate('registration-portal');
  const kafka = new TestKafka(isolation.topicPrefix);
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  let app: INestApplication;
  let http: ReturnType<typeof client>;
  let events: Awaited<ReturnType<TestKafka['collect']>>;

  const eventsOf = (numero: string) =>
    events.messages
      .map(
        (message) => JSON.parse(message.value!.toString()) as CloudEvent<string, DemandEventData>,
      )
      .filter((event) => event.subject === numero);
  const register = async (input = someone('registered'), guichet = METZ_GUICHET) => {
    const created = await http('POST', '/demands', input, guichet);
    expect(created.status).toBe(201);
    return created.body.demand as Record<string, any>;
  };

  beforeAll(async () => {
    await kafka.createPlatformTopics();
    let url: string;
    ({ app, url } = await startApp(
      AppModule.forRoot(loadRegistrationConfig(appEnv(isolation, { OUTBOX_SWEEP_MS: '1000' }))),
      { clock },
    ));
    http = client(url);
    events = await kafka.collect(Topics.DemandEvents);
  });

  afterAll(async () => {
    await app?.close();
    await kafka.cleanup();
  });

  beforeEach(() => clock.set(new Date('2026-03-02T09:00:00Z')));

  describe('drafts', () => {
    it('saves an incomplete draft without a numéro, resumes it, replaces it at its version', async () => {
      const input = someone('draft');
      const partial = { applicant: input.applicant, contact: input.contact };
      const saved = await http('POST', '/drafts', partial, METZ_GUICHET);
      expect(saved.status).toBe(201);
      expect(saved.etag).toBe('"1"');
      const draft = saved.body.draft;
      expect(draft).toMatchObject({
        origin: 'draft',
        state: 'draft',
        version: 1,
        input: json(partial),
      });
      expect(draft.numeroUnique).toBeUndefined();
      expect(draft.id).toMatch(/^[0-9a-f-]{36}$/);

      const resumed = await http('GET', `/drafts/${draft.id}`, undefined, METZ_GUICHET);
      expect(resumed.status).toBe(200);
      expect(resumed.body.draft.input).toEqual(json(partial));
      expect((await http('GET', `/drafts/${draft.id}`, undefined, TOWN_GUICHET)).status).toBe(404);

      const more = { ...partial, wishedHousing: input.wishedHousing };
      const replaced = await http('PUT', `/drafts/${draft.id}`, more, {
        ...METZ_GUICHET,
        'if-match': '"1"',
      });
      expect(replaced.status).toBe(200);
      expect(replaced.body.draft).toMatchObject({
        version: 2,
        department: '057',
        input: json(more),
      });
      const stale = await http('PUT', `/drafts/${draft.id}`, more, {
        ...METZ_GUICHET,
        'if-match': '"1"',
      });
      expect(stale.status).toBe(409);
      expect(stale.body.error).toMatchObject({
        code: 'stale-version',
        details: { currentVersion: 2 },
      });
      expect((await http('PUT', `/drafts/${draft.id}`, more, METZ_GUICHET)).status).toBe(400);
      expect((await http('GET', '/drafts/not-an-id', undefined, METZ_GUICHET)).status).toBe(400);
      const unknown = await http(
        'GET',
        '/drafts/00000000-0000-4000-8000-000000000000',
        undefined,
        METZ_GUICHET,
      );
      expect(unknown.status).toBe(404);
    });

    it('is strict on what a draft gives: 400 with the path, 403 outside the territory', async () => {
      const input = someone('draft-bad');
      const cases: Array<[unknown, string]> = [
        [{ applicant: { ...input.applicant, birthDate: '1990-02-30' } }, '/applicant/birthDate'],
        [{ applicant: { kind: 'person', nir: '285045746312399' } }, '/applicant/nir'],
        [
          { applicant: { kind: 'person' }, wishedHousing: { communes: ['57999'] } },
          '/wishedHousing/communes/0',
        ],
        [{ applicant: { kind: 'person', lastName: { $gt: '' } } }, '/applicant/lastName'],
        [{ applicant: { kind: 'person' }, colour: 'blue' }, '/colour'],
        [{ referenceTaxIncome: { taxYear: 2024, amount: 0 } }, '/referenceTaxIncome/amount'],
      ];
      for (const [body, pointer] of cases) {
        const refused = await http('POST', '/drafts', body, METZ_GUICHET);
        expect(refused.status).toBe(400);
        expect(refused.body.error.code).toBe('invalid-input');
        expect(issuePaths(refused)).toContain(pointer);
      }
      const paris = { applicant: input.applicant, wishedHousing: { communes: ['57463'] } };
      expect((await http('POST', '/drafts', paris, PARIS_GUICHET)).status).toBe(403);
      expect((await http('POST', '/drafts', paris, operatorAuth())).status).toBe(403);
    });

    it('registers a complete draft with the usual checks, once', async () => {
      const input = someone('draft-submit');
      const incomplete = { ...input, referenceTaxIncome: undefined };
      const draft = (await http('POST', '/drafts', incomplete, METZ_GUICHET)).body.draft;
      const refused = await http('POST', `/drafts/${draft.id}/submission`, undefined, {
        ...METZ_GUICHET,
        'if-match': '"1"',
      });
      expect(refused.status).toBe(400);
      expect(issuePaths(refused)).toEqual(['/referenceTaxIncome']);

      await http('PUT', `/drafts/${draft.id}`, input, { ...METZ_GUICHET, 'if-match': '"1"' });
      const submitted = await http('POST', `/drafts/${draft.id}/submission`, undefined, {
        ...METZ_GUICHET,
        'if-match': '"2"',
      });
      expect(submitted.status).toBe(201);
      expect(submitted.etag).toBe('"1"');
      const demand = submitted.body.demand;
      expect(demand).toMatchObject({
        state: 'active',
        version: 1,
        createdBy: '10691',
        depositDate: '2026-03-02',
        applicant: json(input.applicant),
      });
      expect(demand.numeroUnique).toMatch(/^057 0326 [0-9]{6} 10691$/);
      const again = await http('POST', `/drafts/${draft.id}/submission`, undefined, {
        ...METZ_GUICHET,
        'if-match': '"4"',
      });
      expect(again.status).toBe(409);
      expect(again.body.error.details).toEqual({
        code: 'already-registered',
        numeroUnique: demand.numeroUnique,
      });
      const kept = (await http('GET', `/drafts/${draft.id}`, undefined, METZ_GUICHET)).body.draft;
      expect(kept).toMatchObject({ state: 'registered', numeroUnique: demand.numeroUnique });

      // The same person again in a draft: the duplicate check answers, as for a registration.
      const twin = (await http('POST', '/drafts', input, METZ_GUICHET)).body.draft;
      const duplicate = await http('POST', `/drafts/${twin.id}/submission`, undefined, {
        ...METZ_GUICHET,
        'if-match': '"1"',
      });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.error.details).toMatchObject({
        code: 'duplicate',
        duplicates: [demand.numeroUnique],
      });
      expect(
        (await http('GET', `/drafts/${twin.id}`, undefined, METZ_GUICHET)).body.draft,
      ).toMatchObject({
        state: 'draft',
        version: 1,
      });
    });

    it('lets one of two parallel submissions register a draft, the other gets 409', async () => {
      const input = someone('draft-race');
      const draft = (await http('POST', '/drafts', input, METZ_GUICHET)).body.draft;
      const answers = await Promise.all(
        [1, 2].map(() =>
          http('POST', `/drafts/${draft.id}/submission`, undefined, {
            ...METZ_GUICHET,
            'if-match': '"1"',
          }),
        ),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
      const search = await http(
        'GET',
        `/demands?lastName=${encodeURIComponent(input.applicant.lastName)}`,
        undefined,
        METZ_GUICHET,
      );
      expect(search.body.total).toBe(1);
    });

    it('finishes a submission a crash interrupted, with the numéro the draft had taken', async () => {
      const pending = app.get(PendingDemandRepository);
      const input = someone('draft-crash');
      const draft = (await http('POST', '/drafts', input, METZ_GUICHET)).body.draft;
      // The crash came after the draft took its numéro, before the demand was written.
      const numero = await app
        .get(NumeroAllocator)
        .allocate('057', new Date('2026-03-02T00:00:00Z'), '10691', new Date());
      await pending.change(draft.id, 1, { state: 'registering', numeroUnique: numero });
      const edit = await http('PUT', `/drafts/${draft.id}`, input, {
        ...METZ_GUICHET,
        'if-match': '"2"',
      });
      expect(edit.status).toBe(409);
      expect(edit.body.error.details.code).toBe('being-registered');
      const resumed = await http('POST', `/drafts/${draft.id}/submission`, undefined, {
        ...METZ_GUICHET,
        'if-match': '"2"',
      });
      expect(resumed.status).toBe(201);
      expect(resumed.body.demand).toMatchObject({ numeroUnique: numero, version: 1 });
      const read = await http('GET', path(numero), undefined, METZ_GUICHET);
      expect(read.body.demand.applicant).toEqual(json(input.applicant));

      // The crash came after the demand was written: the draft is only marked.
      const other = (await http('POST', '/drafts', input, METZ_GUICHET)).body.draft;
      await pending.change(other.id, 1, { state: 'registering', numeroUnique: numero });
      const finished = await http('POST', `/drafts/${other.id}/submission`, undefined, {
        ...METZ_GUICHET,
        'if-match': '"2"',
      });
      expect(finished.status).toBe(201);
      expect(finished.body.demand).toEqual(read.body.demand);
      expect(
        (await http('GET', `/drafts/${other.id}`, undefined, METZ_GUICHET)).body.draft,
      ).toMatchObject({ state: 'registered', numeroUnique: numero, version: 3 });
      const announced = await waitFor(() => eventsOf(numero).length > 0 && eventsOf(numero), {
        description: 'the registered event',
      });
      expect(announced.map((event) => [event.type, event.demandversion])).toEqual([
        [DemandEventTypes.Registered, 1],
      ]);
    });
  });

  describe('the portal', () => {
    it('files a demand awaiting validation; a guichet finds it by email, checks the ID and validates it', async () => {
      const account = anApplicantAccount();
      const input = someone('portal', account.email);
      const filed = await http('POST', '/portal/demands', input, account.auth);
      expect(filed.status).toBe(201);
      const pending = filed.body.portalDemand;
      expect(pending).toMatchObject({
        origin: 'portal',
        state: 'awaiting-validation',
        version: 1,
        createdBy: 'WEB00',
        department: '057',
        email: account.email,
      });
      expect(pending.numeroUnique).toBeUndefined();

      const own = await http('GET', '/portal/demands', undefined, account.auth);
      expect(own.body.awaitingValidation.map((p: { id: string }) => p.id)).toEqual([pending.id]);
      expect(own.body.demands).toEqual([]);

      const byEmail = `/portal-demands?email=${encodeURIComponent(account.email.toUpperCase())}`;
      const found = await http('GET', byEmail, undefined, TOWN_GUICHET);
      expect(found.status).toBe(200);
      expect(found.body.portalDemands.map((p: { id: string }) => p.id)).toEqual([pending.id]);
      expect((await http('GET', byEmail, undefined, PARIS_GUICHET)).body.portalDemands).toEqual([]);
      expect(
        (await http('GET', '/portal-demands?email=nobody', undefined, TOWN_GUICHET)).status,
      ).toBe(400);
      expect(
        (await http('GET', `/portal-demands/${pending.id}`, undefined, PARIS_GUICHET)).status,
      ).toBe(403);

      const identity = {
        document: 'CID',
        mode: 'in-person',
        lastName: input.applicant.lastName.toUpperCase(),
        firstName: input.applicant.firstName,
        birthDate: input.applicant.birthDate,
        validUntil: '2030-01-01',
      };
      const validation = `/portal-demands/${pending.id}/validation`;
      const mismatch = await http(
        'POST',
        validation,
        { identity: { ...identity, birthDate: '1985-04-13' } },
        { ...TOWN_GUICHET, 'if-match': '"1"' },
      );
      expect(mismatch.status).toBe(422);
      expect(mismatch.body.error.details.issues).toEqual([
        { path: '/identity/birthDate', message: 'identity-mismatch' },
      ]);
      const expired = await http(
        'POST',
        validation,
        { identity: { ...identity, validUntil: '2026-03-01' } },
        { ...TOWN_GUICHET, 'if-match': '"1"' },
      );
      expect(refusalCode(expired)).toBe('identity-document-expired');
      const malformed = await http(
        'POST',
        validation,
        { identity: { ...identity, document: 'library-card' } },
        { ...TOWN_GUICHET, 'if-match': '"1"' },
      );
      expect(malformed.status).toBe(400);
      expect(issuePaths(malformed)).toEqual(['/identity/document']);
      expect(
        (await http('POST', validation, { identity }, { ...TOWN_GUICHET, 'if-match': '"7"' }))
          .status,
      ).toBe(409);
      expect(
        (await http('POST', validation, { identity }, { ...operatorAuth(), 'if-match': '"1"' }))
          .status,
      ).toBe(403);

      const validated = await http(
        'POST',
        validation,
        { identity },
        {
          ...TOWN_GUICHET,
          'if-match': '"1"',
        },
      );
      expect(validated.status).toBe(201);
      const demand = validated.body.demand;
      expect(demand.numeroUnique).toMatch(/^057 0326 [0-9]{6} WEB00$/);
      expect(demand).toMatchObject({
        state: 'active',
        version: 1,
        createdBy: 'WEB00',
        validatedBy: '57463',
        lastChangedBy: '57463',
        createdOnline: true,
        depositDate: '2026-03-02',
        identityVerification: { document: 'CID', mode: 'in-person', checkedBy: '57463' },
      });
      const [event] = await waitFor(
        () => {
          const found = eventsOf(demand.numeroUnique);
          return found.length > 0 && found;
        },
        { description: 'the validated event' },
      );
      expect(event).toMatchObject({
        type: DemandEventTypes.Validated,
        demandversion: 1,
        guichet: '57463',
        data: { demand: { numeroUnique: demand.numeroUnique, createdOnline: true } },
      });
      const twice = await http(
        'POST',
        validation,
        { identity },
        {
          ...TOWN_GUICHET,
          'if-match': '"3"',
        },
      );
      expect(twice.status).toBe(409);
      expect(twice.body.error.details.numeroUnique).toBe(demand.numeroUnique);
      expect((await http('GET', byEmail, undefined, TOWN_GUICHET)).body.portalDemands).toEqual([]);

      const publicKey = createPublicKey((await http('GET', '/certificates/public-key')).bytes);
      const ownUrl = `/portal/demands/${encodeURIComponent(demand.numeroUnique)}`;
      const certificate = await http('GET', `${ownUrl}/certificate`, undefined, account.auth);
      expect(certificate.status).toBe(200);
      const [certificatePage] = await readQrCodesFromPdf(certificate.bytes, {
        firstPage: 1,
        lastPage: 1,
      });
      expect(parseQrPayload(certificatePage.text!, publicKey)).toMatchObject({
        ok: true,
        payload: {
          kind: 'registration-certificate',
          numeroUnique: demand.numeroUnique,
          depositDate: new Date('2026-03-02T00:00:00Z'),
        },
      });
      const sheet = await http(
        'GET',
        `${ownUrl}/summary-sheet?documentCount=2`,
        undefined,
        account.auth,
      );
      expect(sheet.status).toBe(200);
      const [sheetPage] = await readQrCodesFromPdf(sheet.bytes, { firstPage: 1, lastPage: 1 });
      expect(parseQrPayload(sheetPage.text!, publicKey)).toMatchObject({
        ok: true,
        payload: { kind: 'summary-sheet', numeroUnique: demand.numeroUnique, documentCount: 2 },
      });

      const mine = await http('GET', '/portal/demands', undefined, account.auth);
      expect(mine.body.awaitingValidation).toEqual([]);
      expect(mine.body.demands.map((d: { numeroUnique: string }) => d.numeroUnique)).toEqual([
        demand.numeroUnique,
      ]);
    });

    it('checks duplicates at validation: 409 with the numbers unless forced', async () => {
      const account = anApplicantAccount();
      const input = someone('portal-twin', account.email);
      const existing = await register(input);
      const pending = (await http('POST', '/portal/demands', input, account.auth)).body
        .portalDemand;
      const identity = {
        document: 'PAS',
        mode: 'uploaded-document',
        lastName: input.applicant.lastName,
        firstName: input.applicant.firstName,
        birthDate: input.applicant.birthDate,
      };
      const url = `/portal-demands/${pending.id}/validation`;
      const refused = await http('POST', url, { identity }, { ...METZ_GUICHET, 'if-match': '"1"' });
      expect(refused.status).toBe(409);
      expect(refused.body.error.details).toMatchObject({
        code: 'duplicate',
        duplicates: [existing.numeroUnique],
      });
      const forced = await http(
        'POST',
        `${url}?forceDuplicate=true`,
        { identity },
        {
          ...METZ_GUICHET,
          'if-match': '"1"',
        },
      );
      expect(forced.status).toBe(201);
    });

    it('refuses an incomplete portal demand, another address, other callers', async () => {
      const account = anApplicantAccount();
      const input = someone('portal-bad', account.email);
      const incomplete = await http(
        'POST',
        '/portal/demands',
        { ...input, monthlyResources: undefined },
        account.auth,
      );
      expect(incomplete.status).toBe(400);
      expect(issuePaths(incomplete)).toEqual(['/monthlyResources']);
      const otherAddress = await http(
        'POST',
        '/portal/demands',
        { ...input, contact: { ...input.contact, email: 'someone.else@example.org' } },
        account.auth,
      );
      expect(otherAddress.status).toBe(400);
      expect(issuePaths(otherAddress)).toEqual(['/contact/email']);
      expect((await http('POST', '/portal/demands', input, METZ_GUICHET)).status).toBe(403);
      expect((await http('POST', '/portal/demands', input)).status).toBe(401);
      // An applicant's token opens no guichet route.
      expect((await http('POST', '/demands', input, account.auth)).status).toBe(403);
      expect((await http('GET', '/demands?state=active', undefined, account.auth)).status).toBe(
        403,
      );
    });

    it('lets the applicant update their demand online, names locked, address kept', async () => {
      const account = anApplicantAccount();
      const input = someone('portal-update', account.email);
      const demand = await register(input);
      const url = `/portal/demands/${encodeURIComponent(demand.numeroUnique)}`;
      const changed = { ...input, motives: ['01'] };
      const updated = await http('PUT', url, changed, { ...account.auth, 'if-match': '"1"' });
      expect(updated.status).toBe(200);
      expect(updated.body.demand).toMatchObject({
        version: 2,
        motives: ['01'],
        lastChangedBy: 'WEB00',
        createdBy: '10691',
      });
      const renamed = { ...changed, applicant: { ...changed.applicant, firstName: 'Autre' } };
      const locked = await http('PUT', url, renamed, { ...account.auth, 'if-match': '"2"' });
      expect(locked.status).toBe(422);
      expect(refusalCode(locked)).toBe('names-locked');
      const elsewhere = { ...changed, contact: { ...changed.contact, email: 'x@example.org' } };
      const lost = await http('PUT', url, elsewhere, { ...account.auth, 'if-match': '"2"' });
      expect(lost.status).toBe(400);
      expect(issuePaths(lost)).toEqual(['/contact/email']);
      const stale = await http('PUT', url, changed, { ...account.auth, 'if-match': '"1"' });
      expect(stale.status).toBe(409);
      const stranger = anApplicantAccount();
      const theirs = { ...changed, contact: { ...changed.contact, email: stranger.email } };
      expect((await http('PUT', url, theirs, { ...stranger.auth, 'if-match': '"2"' })).status).toBe(
        404,
      );
    });

    it('shows the applicant their own demand and its events, and renews it online', async () => {
      const account = anApplicantAccount();
      const demand = await register(someone('portal-own', account.email));
      const stranger = anApplicantAccount();
      const url = `/portal/demands/${encodeURIComponent(demand.numeroUnique)}`;

      const read = await http('GET', url, undefined, account.auth);
      expect(read.status).toBe(200);
      expect(read.etag).toBe('"1"');
      expect(read.body.demand.numeroUnique).toBe(demand.numeroUnique);
      expect((await http('GET', url, undefined, stranger.auth)).status).toBe(404);
      const audit = await kafka.auditEntries(
        (entry) =>
          entry.numeroUniques.includes(demand.numeroUnique) && entry.who.startsWith('applicant:'),
      );
      expect(audit.map((entry) => [entry.who, entry.action])).toContainEqual([
        `applicant:${account.id}`,
        'read-demand',
      ]);

      await http(
        'POST',
        `${path(demand.numeroUnique)}/processing-events`,
        { kind: 'cal-agenda', date: '2026-03-20', commission: 'CAL Metz Habitat' },
        { ...METZ_GUICHET, 'if-match': '"1"' },
      );
      clock.set(new Date('2027-01-15T09:00:00Z'));
      expect(
        (await http('POST', `${url}/renewal`, {}, { ...stranger.auth, 'if-match': '"2"' })).status,
      ).toBe(404);
      expect((await http('POST', `${url}/renewal`, {}, account.auth)).status).toBe(400);
      const renewed = await http(
        'POST',
        `${url}/renewal`,
        {},
        {
          ...account.auth,
          'if-match': '"2"',
        },
      );
      expect(renewed.status).toBe(200);
      expect(renewed.body.demand).toMatchObject({
        version: 3,
        renewedOnline: true,
        depositDate: '2026-03-02',
        anniversaryDate: '2028-03-02',
        lastChangedBy: 'WEB00',
        renewals: [{ date: '2027-01-15', guichetCode: 'WEB00', online: true }],
      });
      const announced = await waitFor(
        () => {
          const found = eventsOf(demand.numeroUnique);
          return found.length >= 3 && found;
        },
        { description: 'registered, processing event and renewed events' },
      );
      expect(announced.map((event) => [event.type, event.demandversion])).toEqual([
        [DemandEventTypes.Registered, 1],
        [DemandEventTypes.ProcessingEventRecorded, 2],
        [DemandEventTypes.Renewed, 3],
      ]);
      expect(announced[2].data.demand.renewedOnline).toBe(true);

      const timeline = await http('GET', `${url}/events`, undefined, account.auth);
      expect(timeline.status).toBe(200);
      expect(
        timeline.body.events.map((entry: { date: string; kind: string }) => [
          entry.date,
          entry.kind,
        ]),
      ).toEqual([
        ['2026-03-02', 'deposited'],
        ['2026-03-20', 'cal-agenda'],
        ['2027-01-15', 'renewed'],
      ]);
      expect(timeline.body.events[2].label).toBe('Renouvellement en ligne');

      const receipt = await http('GET', `${url}/renewal-certificate`, undefined, account.auth);
      expect(receipt.status).toBe(200);
      expect(receipt.type).toContain('application/pdf');
      const [page] = await readQrCodesFromPdf(receipt.bytes, { firstPage: 1, lastPage: 1 });
      const publicKey = createPublicKey((await http('GET', '/certificates/public-key')).bytes);
      expect(parseQrPayload(page.text!, publicKey)).toMatchObject({
        ok: true,
        payload: { kind: 'renewal-certificate', numeroUnique: demand.numeroUnique },
      });
    });
  });

  describe('shared management', () => {
    const record = (numero: string, version: number, event: unknown, guichet = METZ_GUICHET) =>
      http('POST', `${path(numero)}/processing-events`, event, {
        ...guichet,
        'if-match': `"${version}"`,
      });

    it('records the CAL path to a lease, each event a version announced, listed on the demand', async () => {
      const demand = await register(someone('cal'));
      clock.set(new Date('2026-04-20T09:00:00Z'));
      const dwelling = { commune: '57463', rplsId: '5746300012', reservationQuota: 'PREF' };
      const steps = [
        {
          kind: 'information-requested',
          date: '2026-03-05',
          items: ['avis d’imposition 2025'],
          dueDate: '2026-03-20',
        },
        { kind: 'cal-designation', date: '2026-03-25', dwelling },
        { kind: 'cal-agenda', date: '2026-04-02', commission: 'CAL Metz Habitat' },
        { kind: 'visit', date: '2026-03-30', status: 'done', dwelling },
        { kind: 'cal-examination', date: '2026-04-02', commission: 'CAL Metz Habitat' },
        {
          kind: 'cal-decision',
          date: '2026-04-02',
          commission: 'CAL Metz Habitat',
          decision: 'attribution-ranked',
          rank: 1,
        },
        { kind: 'lease-signed', date: '2026-04-18', dwelling },
      ];
      let version = 1;
      for (const step of steps) {
        const recorded = await record(demand.numeroUnique, version, step);
        expect(recorded.status).toBe(201);
        version++;
        expect(recorded.etag).toBe(`"${version}"`);
        expect(recorded.body.processingEvent).toMatchObject({
          ...step,
          id: String(version),
          recordedOn: '2026-04-20',
          recordedBy: '10691',
        });
      }
      const listed = await http(
        'GET',
        `${path(demand.numeroUnique)}/processing-events`,
        undefined,
        TOWN_GUICHET,
      );
      expect(listed.status).toBe(200);
      expect(listed.body.processingEvents.map((event: { kind: string }) => event.kind)).toEqual(
        steps.map((step) => step.kind),
      );
      const announced = await waitFor(
        () => {
          const found = eventsOf(demand.numeroUnique);
          return found.length >= 8 && found;
        },
        { description: 'the processing events' },
      );
      expect(announced.slice(1).map((event) => [event.type, event.demandversion])).toEqual(
        steps.map((_, index) => [DemandEventTypes.ProcessingEventRecorded, index + 2]),
      );
      expect(announced[7].data.demand.processingEvents).toHaveLength(7);
    });

    it('refuses bad events: 400 by path, 422 by rule, 409 stale, 404, 403', async () => {
      const demand = await register(someone('cal-bad'));
      const numero = demand.numeroUnique;
      const malformed: Array<[unknown, string]> = [
        [{ kind: 'party', date: '2026-03-01' }, '/kind'],
        [{ kind: 'cal-agenda', date: '2026-02-30', commission: 'CAL' }, '/date'],
        [{ kind: 'cal-agenda', date: '2026-03-10' }, '/commission'],
        [{ kind: 'applicant-refusal', date: '2026-03-01', motive: { $gt: '' } }, '/motive'],
        [
          { kind: 'visit', date: '2026-03-01', status: 'done', dwelling: { commune: 'Metz' } },
          '/dwelling/commune',
        ],
      ];
      for (const [body, pointer] of malformed) {
        const refused = await record(numero, 1, body);
        expect(refused.status).toBe(400);
        expect(issuePaths(refused)).toContain(pointer);
      }
      const rules: Array<[unknown, string]> = [
        [
          { kind: 'cal-decision', date: '2026-03-02', commission: 'CAL', decision: 'attribution' },
          'cal-agenda-missing',
        ],
        [{ kind: 'applicant-refusal', date: '2026-03-02', motive: 'rent' }, 'nothing-to-refuse'],
        [
          { kind: 'lease-signed', date: '2026-03-02', dwelling: { commune: '57463' } },
          'no-attribution-decision',
        ],
        [
          { kind: 'cal-examination', date: '2026-03-03', commission: 'CAL' },
          'event-date-in-future',
        ],
        [
          { kind: 'visit', date: '2026-03-01', status: 'done', dwelling: { commune: '57999' } },
          'event-before-deposit',
        ],
      ];
      for (const [body, code] of rules) {
        const refused = await record(numero, 1, body);
        expect(refused.status).toBe(422);
        expect(refusalCode(refused)).toBe(code);
      }
      const agenda = { kind: 'cal-agenda', date: '2026-03-10', commission: 'CAL' };
      expect((await record(numero, 1, agenda, PARIS_GUICHET)).status).toBe(403);
      expect(
        (await record(numero, 1, agenda, operatorAuth('c', ['consultant-demande']))).status,
      ).toBe(403);
      expect((await record('057 0101 999999 10691', 1, agenda)).status).toBe(404);
      expect((await record(numero, 1, agenda)).status).toBe(201);
      const stale = await record(numero, 1, agenda);
      expect(stale.status).toBe(409);
      expect(stale.body.error.code).toBe('stale-version');
      const refusal = await record(numero, 2, {
        kind: 'applicant-refusal',
        date: '2026-03-02',
        motive: 'other',
      });
      expect(refusal.status).toBe(422);
      expect(refusal.body.error.details.issues).toEqual([
        { path: '/motiveDetails', message: 'motive-details-required' },
      ]);
      // Nothing half-applied: the refused events left the demand at version 2, one event.
      const read = await http('GET', path(numero), undefined, METZ_GUICHET);
      expect(read.body.demand.version).toBe(2);
      expect(read.body.demand.processingEvents).toHaveLength(1);
    });
  });

  describe('a separated partner', () => {
    it("registers the new demand of a member of the couple with the couple's seniority", async () => {
      clock.set(new Date('2024-06-10T09:00:00Z'));
      const input = someone('couple');
      const coApplicant = aCoApplicant({
        lastName: input.applicant.lastName,
        firstName: `Alexis ${letters(people)}`,
        nir: undefined,
      });
      const couple = await register({
        ...input,
        applicant: { ...input.applicant, familySituation: 'M' },
        coApplicant,
        household: { size: 3 },
      });
      clock.set(new Date('2026-03-02T09:00:00Z'));
      const partner = aDemandInput({
        applicant: anApplicant({
          civility: coApplicant.civility,
          lastName: coApplicant.lastName.toUpperCase(),
          firstName: coApplicant.firstName,
          birthDate: coApplicant.birthDate,
          birthName: undefined,
          nir: undefined,
          familySituation: 'S',
        }),
      });
      const url = `${path(couple.numeroUnique)}/separated-partner-demand`;
      const created = await http('POST', url, partner, METZ_GUICHET);
      expect(created.status).toBe(201);
      const demand = created.body.demand;
      expect(demand.numeroUnique).not.toBe(couple.numeroUnique);
      expect(demand.numeroUnique).toMatch(/^057 0326 [0-9]{6} 10691$/);
      expect(demand).toMatchObject({
        state: 'active',
        depositDate: '2024-06-10',
        anniversaryDate: '2026-06-10',
        seniorityOrigin: {
          kind: 'couple-separation',
          numeroUnique: couple.numeroUnique,
          depositDate: '2024-06-10',
        },
      });
      // The couple's own demand goes on for the other partner.
      const kept = await http('GET', path(couple.numeroUnique), undefined, METZ_GUICHET);
      expect(kept.body.demand).toMatchObject({ state: 'active', version: 1 });

      const stranger = someone('not-the-couple');
      const refused = await http('POST', url, stranger, METZ_GUICHET);
      expect(refused.status).toBe(422);
      expect(refused.body.error.details.issues).toEqual([
        { path: '/applicant', message: 'not-a-member-of-the-couple' },
      ]);
      const single = await register(someone('single'));
      const notCouple = await http(
        'POST',
        `${path(single.numeroUnique)}/separated-partner-demand`,
        partner,
        METZ_GUICHET,
      );
      expect(refusalCode(notCouple)).toBe('not-a-couple-demand');
      expect((await http('POST', url, partner, PARIS_GUICHET)).status).toBe(403);
      expect(
        (
          await http(
            'POST',
            `${path('057 0101 999999 10691')}/separated-partner-demand`,
            partner,
            METZ_GUICHET,
          )
        ).status,
      ).toBe(404);
      expect(
        (await http('POST', url, { ...partner, household: { size: 0 } }, METZ_GUICHET)).status,
      ).toBe(400);
    });
  });

  describe('certificates over HTTP', () => {
    it('gives the renewal certificate (422 before any renewal) and the summary sheet, QR codes signed', async () => {
      clock.set(new Date('2025-03-10T09:00:00Z'));
      const demand = await register(someone('pdf'));
      const url = path(demand.numeroUnique);
      const never = await http('GET', `${url}/renewal-certificate`, undefined, METZ_GUICHET);
      expect(never.status).toBe(422);
      expect(refusalCode(never)).toBe('never-renewed');
      clock.set(new Date('2026-02-01T09:00:00Z'));
      await http('POST', `${url}/renewal`, {}, { ...METZ_GUICHET, 'if-match': '"1"' });

      const publicKey = createPublicKey((await http('GET', '/certificates/public-key')).bytes);
      const renewal = await http('GET', `${url}/renewal-certificate`, undefined, METZ_GUICHET);
      expect(renewal.status).toBe(200);
      expect(renewal.type).toContain('application/pdf');
      expect(renewal.bytes.subarray(0, 5).toString()).toBe('%PDF-');
      const [renewalPage] = await readQrCodesFromPdf(renewal.bytes, { firstPage: 1, lastPage: 1 });
      expect(parseQrPayload(renewalPage.text!, publicKey)).toMatchObject({
        ok: true,
        payload: { kind: 'renewal-certificate', numeroUnique: demand.numeroUnique },
      });

      const sheet = await http(
        'GET',
        `${url}/summary-sheet?documentCount=3&pageCount=7`,
        undefined,
        TOWN_GUICHET,
      );
      expect(sheet.status).toBe(200);
      expect(sheet.type).toContain('application/pdf');
      const [sheetPage] = await readQrCodesFromPdf(sheet.bytes, { firstPage: 1, lastPage: 1 });
      expect(parseQrPayload(sheetPage.text!, publicKey)).toMatchObject({
        ok: true,
        payload: {
          kind: 'summary-sheet',
          numeroUnique: demand.numeroUnique,
          documentCount: 3,
          pageCount: 7,
        },
      });
      for (const bad of ['documentCount=-1', 'pageCount=many', 'colour=blue']) {
        const refused = await http('GET', `${url}/summary-sheet?${bad}`, undefined, METZ_GUICHET);
        expect(refused.status).toBe(400);
        expect(issuePaths(refused)).toEqual([bad.split('=')[0]]);
      }
      expect((await http('GET', `${url}/summary-sheet`, undefined, PARIS_GUICHET)).status).toBe(
        403,
      );
      expect(
        (
          await http(
            'GET',
            `${path('057 0101 999999 10691')}/summary-sheet`,
            undefined,
            METZ_GUICHET,
          )
        ).status,
      ).toBe(404);
    });
  });

  describe('oversized bodies', () => {
    it('answers 413 with the structured error, and stores nothing', async () => {
      const input = someone('huge');
      const huge = { ...input, remarks: 'x'.repeat(2_000_000) };
      const refused = await http('POST', '/demands', huge, METZ_GUICHET);
      expect(refused.status).toBe(413);
      expect(refused.type).toContain('application/json');
      expect(refused.body.error).toMatchObject({ code: 'payload-too-large' });
      const search = await http(
        'GET',
        `/demands?lastName=${encodeURIComponent(input.applicant.lastName)}`,
        undefined,
        METZ_GUICHET,
      );
      expect(search.body.total).toBe(0);
      expect((await http('POST', '/drafts', huge, METZ_GUICHET)).status).toBe(413);
    });
  });
});
