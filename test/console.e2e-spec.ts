import type { INestApplication } from '@nestjs/common';
import { DemandEventTypes, encodeEvent, Topics } from '@sne/contracts';
import {
  appEnv,
  factory,
  freePort,
  isolate,
  signTestToken,
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
import { Browser, signInAt } from './support/browser';
import {
  startIdentityProvider,
  TEST_PASSWORD,
  type TestIdentityProvider,
} from './support/identity-provider';

/**
 * The console's dispatching pages, over a real dispatching app on the local stack, signed in
 * through a real identity provider: the console calls the API with the person's own tokens.
 */
describe('console: dispatching pages', () => {
  const isolation = isolate('console');
  const kafka = new TestKafka(isolation.topicPrefix);
  let idp: TestIdentityProvider;
  let dispatchingApp: INestApplication;
  let consoleAppInstance: INestApplication;
  let api: string;
  let ui: string;
  /** The API called directly, as the national admin's own software would. */
  const operatorAuth = () => ({
    authorization: `Bearer ${signTestToken(
      { kind: 'operator', id: 'operator.test', roles: ['national-admin'], territory: 'all' },
      { claims: { iss: idp.issuer } },
    )}`,
  });

  // One browser signed in as the national admin, and the CSRF token of the last form it saw.
  let browser: Browser;
  let csrfToken = '';
  const pageOf = async (as: Browser, path: string, init?: RequestInit) => {
    const response = await as.get(`${ui}${path}`, init);
    const text = await response.text();
    csrfToken = /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? csrfToken;
    return { status: response.status, text, headers: response.headers };
  };
  const page = (path: string, init?: RequestInit) => pageOf(browser, path, init);
  const signedIn = async (login: string) => {
    const someone = new Browser();
    const form = (await someone.follow(`${ui}/`)) as Response;
    expect(form.status).toBe(200);
    const home = (await signInAt(someone, form, login, TEST_PASSWORD)) as Response;
    expect(home.status).toBe(200);
    return someone;
  };
  const form = (fields: Record<string, string>): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrfToken, ...fields }).toString(),
  });

  beforeAll(async () => {
    await kafka.createPlatformTopics();
    idp = await startIdentityProvider(isolation);
    await idp.addPerson({ login: 'admin.national', roles: ['national-admin'], territory: 'all' });
    await idp.addPerson({
      login: 'manager.paris',
      roles: ['territorial-manager'],
      territory: ['075'],
    });
    ({ app: dispatchingApp, url: api } = await startApp(
      dispatching.AppModule.forRoot(
        loadDispatchingConfig(
          appEnv(isolation, { SUBSCRIPTION_REFRESH_MS: '300', AUTH_ISSUER: idp.issuer }),
        ),
      ),
    ));
    const consolePort = await freePort();
    const publicUrl = `http://127.0.0.1:${consolePort}`;
    const { secret } = await idp.clients.registerWebClient({
      clientId: 'sne-console',
      redirectUris: [`${publicUrl}/auth/callback`],
      postLogoutRedirectUris: [`${publicUrl}/`],
    });
    ({ app: consoleAppInstance, url: ui } = await startApp(
      consoleApp.AppModule.forRoot(
        loadConsoleConfig(
          appEnv(isolation, {
            DISPATCHING_URL: api,
            CONSOLE_PUBLIC_URL: publicUrl,
            CONSOLE_OIDC_ISSUER: idp.issuer,
            CONSOLE_OIDC_CLIENT_SECRET: secret,
          }),
        ),
      ),
      { port: consolePort },
    ));
    browser = await signedIn('admin.national');

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
    await idp?.app.close();
    await kafka.cleanup();
  });

  it('sends a browser without a session to sign in, and answers 401 to anything else', async () => {
    const anonymous = new Browser();
    const toSignIn = await anonymous.get(`${ui}/guichets`);
    expect(toSignIn.status).toBe(303);
    expect(toSignIn.headers.get('location')).toBe('/auth/login?returnTo=%2Fguichets');
    const api = await fetch(`${ui}/api/status`);
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    expect((await fetch(`${ui}/health/live`)).status).toBe(200);
    const form = (await anonymous.follow(`${ui}/guichets`)) as Response;
    const wrong = await signInAt(anonymous, form, 'admin.national', 'not the password');
    expect((wrong as Response).status).toBe(401);
  });

  it("shows who is signed in, and calls the API as that person, in that person's territory", async () => {
    const home = await page('/');
    expect(home.text).toContain('admin.national — national-admin — national');
    const paris = await signedIn('manager.paris');
    const theirs = await pageOf(paris, '/guichets/C5701');
    expect(theirs.status).toBe(403);
    expect(theirs.text).toContain('dispatching:');
  });

  it('signs out at the console and at the provider', async () => {
    const leaving = await signedIn('manager.paris');
    await pageOf(leaving, '/');
    const out = await leaving.follow(
      `${ui}/auth/logout`,
      form({}),
      (next) => next.origin === new URL(ui).origin,
    );
    expect(out).toBeInstanceOf(URL);
    expect((out as URL).origin).toBe(new URL(idp.issuer).origin);
    expect((out as URL).pathname).toBe('/oidc/session/end');
    const after = await leaving.get(`${ui}/guichets`);
    expect(after.status).toBe(303);
    // Both ends of the session are security events of the trail, bounded to the territory.
    const [signIn, signOut] = await Promise.all(
      (['sign-in', 'sign-out'] as const).map((action) =>
        kafka.auditEntries((entry) => entry.action === action && entry.departments.includes('075')),
      ),
    );
    for (const entry of [...signIn, ...signOut])
      expect(entry).toMatchObject({ app: 'console', channel: 'console', who: signIn[0].who });
    expect(signIn[0].who).toMatch(/^operator:/);
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
    const cookie = `sne.console.sid=${browser.cookie('sne.console.sid')}`;
    expect(cookie).toMatch(/^sne\.console\.sid=s%3A/);
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
