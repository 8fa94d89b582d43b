import type { INestApplication } from '@nestjs/common';
import { DemandEventTypes, encodeEvent, Topics } from '@sne/contracts';
import {
  appEnv,
  factory,
  isolate,
  operatorAuth,
  startApp,
  TestKafka,
  testStack,
  waitFor,
} from '@sne/testing';
import { Redis } from 'ioredis';
import * as consoleApp from '../apps/console/src/app.module';
import { loadConsoleConfig } from '../apps/console/src/config';
import * as dispatching from '../apps/dispatching/src/app.module';
import { loadDispatchingConfig } from '../apps/dispatching/src/config';

/** The console's dispatching pages, over a real dispatching app on the local stack. */
describe('console: dispatching pages', () => {
  const isolation = isolate('console');
  const kafka = new TestKafka(isolation.topicPrefix);
  let dispatchingApp: INestApplication;
  let consoleAppInstance: INestApplication;
  let api: string;
  let ui: string;

  // One browser: the session cookie it was given and the CSRF token of the last form it saw.
  let cookie = '';
  let csrfToken = '';
  const page = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${ui}${path}`, {
      redirect: 'manual',
      ...init,
      headers: { ...(init?.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    const given = response.headers.get('set-cookie');
    if (given) cookie = given.split(';')[0];
    const text = await response.text();
    csrfToken = /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? csrfToken;
    return { status: response.status, text, headers: response.headers };
  };
  const form = (fields: Record<string, string>): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrfToken, ...fields }).toString(),
  });

  beforeAll(async () => {
    await kafka.createPlatformTopics();
    ({ app: dispatchingApp, url: api } = await startApp(
      dispatching.AppModule.forRoot(
        loadDispatchingConfig(appEnv(isolation, { SUBSCRIPTION_REFRESH_MS: '300' })),
      ),
    ));
    ({ app: consoleAppInstance, url: ui } = await startApp(
      consoleApp.AppModule.forRoot(loadConsoleConfig(appEnv(isolation, { DISPATCHING_URL: api }))),
    ));

    const created = await fetch(`${api}/guichets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...operatorAuth() },
      body: JSON.stringify({
        code: 'C5701',
        name: 'Office <b>Metz</b> Habitat',
        type: 'landlord',
        territory: { departments: ['057'] },
        referentEmail: 'c5701@example.fr',
        channels: { kafka: { enabled: true }, pull: { enabled: true } },
      }),
    });
    expect(created.status).toBe(201);
    await fetch(`${api}/guichets/C5701/subscription`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...operatorAuth() },
      body: JSON.stringify({
        eventTypes: [DemandEventTypes.Registered],
        rule: { field: 'demand.department', equals: '057' },
      }),
    });
    const producer = kafka.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: kafka.topic(Topics.DemandEvents),
      messages: [1, 2, 3].map(() =>
        encodeEvent(
          factory.demandEvent(
            DemandEventTypes.Registered,
            factory.demand({ department: '057', guichetCode: '20045' }),
          ),
        ),
      ),
    });
    await producer.disconnect();
    await kafka.waitForGroupCaughtUp('sne.dispatching', Topics.DemandEvents);
  });

  afterAll(async () => {
    await consoleAppInstance?.close();
    await dispatchingApp?.close();
    await kafka.cleanup();
  });

  it('lists the guichets with their channels and lag, names escaped', async () => {
    const list = await waitFor(
      async () => {
        const response = await page('/guichets');
        return response.text.includes('C5701') && response;
      },
      { description: 'the guichet listed' },
    );
    expect(list.status).toBe(200);
    expect(list.text).toContain('Office &#60;b&#62;Metz&#60;/b&#62; Habitat');
    expect(list.text).not.toContain('<b>Metz</b>');
    expect(list.text).toContain('Kafka, flux');
  });

  it('shows where the fan-out is behind', async () => {
    const lag = await page('/lag');
    expect(lag.status).toBe(200);
    expect(lag.text).toContain(Topics.DemandEvents);
    expect(lag.text).toMatch(/Guichets en retard \(\d+\)/);
  });

  it("shows a guichet's subscription and runs a dry run of a draft rule", async () => {
    const detail = await page('/guichets/C5701');
    expect(detail.text).toContain('Version 1, modifiée par operator:operator.test');
    expect(detail.text).toContain('demand.department');

    const draft = JSON.stringify({
      eventTypes: [DemandEventTypes.Registered],
      rule: { field: 'demand.department', equals: '057' },
    });
    const dryRun = await page('/guichets/C5701/dry-run', form({ draft }));
    expect(dryRun.status).toBe(201);
    expect(dryRun.text).toContain('&#34;matching&#34;: 3');

    const invalid = await page(
      '/guichets/C5701/dry-run',
      form({
        draft: JSON.stringify({
          eventTypes: [DemandEventTypes.Registered],
          rule: { field: 'nope', equals: 1 },
        }),
      }),
    );
    expect(invalid.text).toContain('/rule');
    const notJson = await page('/guichets/C5701/dry-run', form({ draft: '{oops' }));
    expect(notJson.text).toContain('not JSON');
  });

  it('pauses and resumes a guichet', async () => {
    await page('/guichets/C5701');
    const paused = await page('/guichets/C5701/pause', form({}));
    expect(paused.status).toBe(303);
    expect(paused.headers.get('location')).toBe('/guichets/C5701');
    expect(
      (
        (await (await fetch(`${api}/guichets/C5701`, { headers: operatorAuth() })).json()) as {
          paused: boolean;
        }
      ).paused,
    ).toBe(true);
    expect((await page('/guichets/C5701')).text).toContain('Reprendre');
    await page('/guichets/C5701/resume', form({}));
    expect(
      (
        (await (await fetch(`${api}/guichets/C5701`, { headers: operatorAuth() })).json()) as {
          paused: boolean;
        }
      ).paused,
    ).toBe(false);
  });

  it('refuses a path parameter that is not a guichet code before any upstream call', async () => {
    // Once decoded and resolved, this code would turn the dry run into a POST .../C5701/pause.
    const walked = await page(
      `/guichets/${encodeURIComponent('../guichets/C5701/pause?')}/dry-run`,
      form({ draft: '{}' }),
    );
    expect(walked.status).toBe(400);
    expect(JSON.parse(walked.text)).toMatchObject({
      error: { code: 'invalid-input', details: { issues: [{ path: '/code' }] } },
    });
    const guichet = (await (
      await fetch(`${api}/guichets/C5701`, { headers: operatorAuth() })
    ).json()) as { paused: boolean };
    expect(guichet.paused).toBe(false);
    expect((await page('/guichets/c5701%2F..')).status).toBe(400);
    const retried = await page('/guichets/C5701/dead-letters/..%2F..%2Fpause/retry', form({}));
    expect(retried.status).toBe(400);
  });

  it('sends security headers on every page', async () => {
    const { headers } = await page('/guichets');
    expect(headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(headers.get('x-powered-by')).toBeNull();
  });

  it('refuses a POST without the CSRF token of its session, and keeps the session in Redis', async () => {
    const detail = await page('/guichets/C5701');
    expect(detail.text).toMatch(/<form[^>]*method="post"[^>]*><input type="hidden" name="_csrf"/);
    expect(cookie).toMatch(/^sne\.console\.sid=/);
    const redis = new Redis(testStack().redisUrl);
    const sessionId = /^sne\.console\.sid=s%3A([^.]+)\./.exec(cookie)?.[1];
    expect(await redis.exists(`${isolation.topicPrefix}sne:console:session:${sessionId}`)).toBe(1);
    await redis.quit();
    const setCookie = detail.headers.get('set-cookie') ?? '';
    if (setCookie) expect(setCookie).toMatch(/HttpOnly/i);

    const paused = async () =>
      (
        (await (await fetch(`${api}/guichets/C5701`, { headers: operatorAuth() })).json()) as {
          paused: boolean;
        }
      ).paused;
    const forged = async (init: RequestInit, withCookie: boolean) =>
      fetch(`${ui}/guichets/C5701/pause`, {
        redirect: 'manual',
        ...init,
        headers: { ...(init.headers as Record<string, string>), ...(withCookie ? { cookie } : {}) },
      });
    const missing = await forged(
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      },
      true,
    );
    expect(missing.status).toBe(403);
    expect(await missing.json()).toMatchObject({ error: { code: 'csrf-token-invalid' } });
    // A token is worth nothing without its session (another site cannot send the cookie along).
    const otherSession = await forged(
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrfToken }).toString(),
      },
      false,
    );
    expect(otherSession.status).toBe(403);
    expect(await paused()).toBe(false);

    const accepted = await page('/guichets/C5701/pause', form({}));
    expect(accepted.status).toBe(303);
    expect(await paused()).toBe(true);
    await page('/guichets/C5701/resume', form({}));
    expect(await paused()).toBe(false);
  });
});
