import type { INestApplication } from '@nestjs/common';
import { aDemandInput, anApplicant } from '@sne/domain';
import {
  applicantAuth,
  appEnv,
  guichetAuth,
  isolate,
  startApp,
  TestKafka,
  testToken,
  waitFor,
} from '@sne/testing';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { filledPath, openApiOperations } from './support/open-api-operations';
import { API_APPS } from './support/platform-apps';

/**
 * The access matrix: every operation of the four OpenAPI files × every profile, own territory
 * (Moselle, 057), another territory (Paris, 075) and national, against the real apps. The
 * outcome of each cell is compared with the table committed beside this file, so a new route, or
 * a route whose answer to someone changes, fails here until the table says what it should be
 * (`SNE_ACCESS_MATRIX_WRITE=1` rewrites the table from a run: review its diff before committing).
 * Beyond the table, the invariants of the policy are checked on every cell.
 *
 * Reads are made on real resources of 057 (a demand, its guichet); writes are sent with an empty
 * body, so a caller that gets past authorization gets the body's 400 and nothing changes: they
 * prove who may call, the territory of writes is proved by each app's own e2e tests.
 */
const TABLE = join(__dirname, 'access-matrix.expected.json');
/** POSTs that change nothing (`@ReadsOnly()`): a consultant may call them. */
const READS_ONLY = new Set(['dispatching POST /rules/validate']);

const MOSELLE_GUICHET = '10691';
/**
 * Operations that end the guichet they are called on, body or not: they get a guichet of their
 * own (057 too), so no other row's answer depends on the order the operations are listed in.
 */
const TERMINAL = new Set(['dispatching POST /guichets/{code}/retire']);
const RETIRING_GUICHET = '10692';
const PARIS_GUICHET = 'P7501';
const APPLICANT_EMAIL = 'camille.matrix@example.fr';

const operator = (id: string, roles: string[], territory: string[] | 'all') => ({
  authorization: `Bearer ${testToken({ kind: 'operator', id, roles: roles as never, territory })}`,
});

const PROFILES: Record<string, Record<string, string>> = {
  anonymous: {},
  'national-admin': operator('matrix.admin', ['national-admin'], 'all'),
  'manager-057': operator('matrix.manager.metz', ['territorial-manager'], ['057']),
  'manager-075': operator('matrix.manager.paris', ['territorial-manager'], ['075']),
  'consultant-simple-057': operator('matrix.simple', ['consultant-simple'], ['057']),
  'consultant-sensible-057': operator('matrix.sensible', ['consultant-sensible'], ['057']),
  'guichet-057': guichetAuth(MOSELLE_GUICHET, ['057'], 'landlord'),
  'guichet-075': guichetAuth(PARIS_GUICHET, ['075'], 'landlord'),
  applicant: applicantAuth('account-matrix', APPLICANT_EMAIL),
};
type Outcome = '2xx' | '3xx' | 'input' | '401' | '403' | '404' | '5xx';

const outcomeOf = (status: number): Outcome =>
  status >= 500
    ? '5xx'
    : status === 401
      ? '401'
      : status === 403
        ? '403'
        : status === 404
          ? '404'
          : status >= 400
            ? 'input'
            : status >= 300
              ? '3xx'
              : '2xx';

describe('access matrix', () => {
  const isolation = isolate('matrix');
  const kafka = new TestKafka(isolation.topicPrefix);
  const apps: Array<{ app: INestApplication; name: string; url: string }> = [];
  const values: Record<string, string> = {
    code: MOSELLE_GUICHET,
    deliveryId: `00000000-0000-4000-8000-000000000000:${MOSELLE_GUICHET}`,
    documentId: '00000000-0000-4000-8000-000000000001',
    id: '00000000-0000-4000-8000-000000000002',
    batchId: 'batch-matrix',
    kind: 'plain-letter',
    day: new Date().toISOString().slice(0, 10),
    channel: 'email',
  };
  const urlOf = (app: string) => apps.find((candidate) => candidate.name === app)!.url;
  const call = (
    app: string,
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ) =>
    fetch(`${urlOf(app)}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    await kafka.createPlatformTopics();
    for (const { name, module } of API_APPS) {
      const started = await startApp(module(appEnv(isolation, { OUTBOX_SWEEP_MS: '500' })));
      apps.push({ name, ...started });
    }
    const admin = PROFILES['national-admin'];
    for (const [code, departments] of [
      [MOSELLE_GUICHET, ['057']],
      [RETIRING_GUICHET, ['057']],
      [PARIS_GUICHET, ['075']],
    ] as const) {
      const created = await call('dispatching', 'POST', '/guichets', admin, {
        code,
        name: `Guichet ${code}`,
        type: 'landlord',
        territory: { departments },
        referentEmail: `referent.${code.toLowerCase()}@example.fr`,
        channels: { kafka: { enabled: true }, pull: { enabled: true } },
      });
      expect(created.status).toBe(201);
    }
    const input = aDemandInput({
      applicant: anApplicant({ lastName: 'Matrice', firstName: 'Camille', nir: undefined }),
    });
    const registered = await call('registration', 'POST', '/demands', PROFILES['guichet-057'], {
      ...input,
      contact: { ...input.contact, email: APPLICANT_EMAIL },
    });
    expect(registered.status).toBe(201);
    const { demand } = (await registered.json()) as { demand: { numeroUnique: string } };
    expect(demand.numeroUnique).toMatch(/^057 /);
    values.numeroUnique = demand.numeroUnique;
    // Document ingestion learns the demand from its events.
    await waitFor(
      async () =>
        (
          await call(
            'document-ingestion',
            'GET',
            `/demands/${encodeURIComponent(demand.numeroUnique)}/documents`,
            admin,
          )
        ).status === 200,
      { description: 'the demand known to document ingestion', timeoutMs: 60_000 },
    );
  }, 180_000);

  afterAll(async () => {
    for (const { app } of apps) await app.close();
    await kafka.cleanup();
  });

  it('answers every operation to every profile as the committed table says', async () => {
    const operations = API_APPS.flatMap(({ name }) => openApiOperations(name));
    const observed: Record<string, Record<string, Outcome>> = {};
    for (const operation of operations) {
      const path = filledPath(
        operation.path,
        TERMINAL.has(operation.key) ? { ...values, code: RETIRING_GUICHET } : values,
      );
      observed[operation.key] = {};
      for (const [profile, headers] of Object.entries(PROFILES)) {
        const response = await call(
          operation.app,
          operation.method,
          path,
          headers,
          operation.method === 'GET' || operation.method === 'DELETE' ? undefined : {},
        );
        await response.arrayBuffer();
        observed[operation.key][profile] = outcomeOf(response.status);
      }
    }

    const cells = Object.entries(observed).flatMap(([key, row]) =>
      Object.entries(row).map(([profile, outcome]) => ({ key, profile, outcome })),
    );
    const isPublic = (key: string) => operations.find((operation) => operation.key === key)!.public;
    // The policy, whatever the table says.
    const violations: string[] = [];
    const deny = (cell: string, why: string, allowed: readonly Outcome[], outcome: Outcome) => {
      if (!allowed.includes(outcome)) violations.push(`${cell}: ${why}`);
    };
    for (const { key, profile, outcome } of cells) {
      const cell = `${key} as ${profile}: ${outcome}`;
      const portal = key.includes(' /portal/');
      const read = key.includes(' GET ');
      if (outcome === '5xx') violations.push(`${cell}: a server error`);
      if (isPublic(key)) continue;
      if (profile === 'anonymous') deny(cell, 'no token must be 401', ['401'], outcome);
      else if (profile === 'applicant' && !portal)
        deny(cell, 'an applicant reaches the portal only', ['403', '404'], outcome);
      else if (profile !== 'applicant' && portal)
        deny(cell, 'the portal is for applicants', ['403'], outcome);
      // Paris reads nothing of Moselle's demand or guichet.
      if (
        ['manager-075', 'guichet-075'].includes(profile) &&
        /\{(numeroUnique|code)\}/.test(key) &&
        read
      )
        deny(cell, "another territory's resource", ['403', '404'], outcome);
      // Consultants change nothing, and are told so before their input is looked at.
      if (profile.startsWith('consultant') && !read && !READS_ONLY.has(key))
        deny(cell, 'a consultant writes nothing', ['403', '404'], outcome);
    }
    expect(violations).toEqual([]);

    if (process.env.SNE_ACCESS_MATRIX_WRITE === '1' || !existsSync(TABLE)) {
      writeFileSync(TABLE, `${JSON.stringify(observed, null, 2)}\n`);
      if (process.env.SNE_ACCESS_MATRIX_WRITE !== '1') throw new Error(`wrote ${TABLE}: review it`);
    }
    const expected = JSON.parse(readFileSync(TABLE, 'utf8')) as typeof observed;
    expect(Object.keys(observed).sort()).toEqual(Object.keys(expected).sort());
    for (const key of Object.keys(observed))
      expect({ key, ...observed[key] }).toEqual({ key, ...expected[key] });
  }, 300_000);
});
