import type { INestApplication } from '@nestjs/common';
import { appEnv, freePort, isolate, signTestToken, startApp, TestKafka } from '@sne/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import * as consoleApp from '../apps/console/src/app.module';
import { loadConsoleConfig } from '../apps/console/src/config';
import * as dispatching from '../apps/dispatching/src/app.module';
import { loadDispatchingConfig } from '../apps/dispatching/src/config';
import {
  startIdentityProvider,
  TEST_PASSWORD,
  type TestIdentityProvider,
} from './support/identity-provider';

/** Debian's Chromium (deploy/local/install.sh installs it); Playwright drives it, downloads none. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The console in a real browser: signing in through the local identity provider, a territorial
 * manager refused another territory's guichet in the page and at the API, a form without its
 * CSRF token refused, signing out.
 */
describe('console in a browser (Playwright, Chromium)', () => {
  const isolation = isolate('console-browser');
  const kafka = new TestKafka(isolation.topicPrefix);
  let idp: TestIdentityProvider;
  let dispatchingApp: INestApplication;
  let consoleInstance: INestApplication;
  let api: string;
  let ui: string;
  let browser: Browser;

  const adminToken = () =>
    signTestToken(
      { kind: 'operator', id: 'operator.test', roles: ['national-admin'], territory: 'all' },
      { claims: { iss: idp.issuer } },
    );
  const apiGet = (path: string, token: string) =>
    fetch(`${api}${path}`, { headers: { authorization: `Bearer ${token}` } });

  const signIn = async (login: string): Promise<Page> => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${ui}/guichets`);
    expect(new URL(page.url()).origin).toBe(new URL(idp.issuer).origin);
    await page.fill('input[name=login]', login);
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${ui}/guichets`);
    return page;
  };

  beforeAll(async () => {
    await kafka.createPlatformTopics();
    idp = await startIdentityProvider(isolation);
    await idp.addPerson({
      login: 'manager.moselle',
      name: 'Claire Gestionnaire',
      roles: ['territorial-manager'],
      territory: ['057'],
    });
    ({ app: dispatchingApp, url: api } = await startApp(
      dispatching.AppModule.forRoot(
        loadDispatchingConfig(appEnv(isolation, { AUTH_ISSUER: idp.issuer })),
      ),
    ));
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const { secret } = await idp.clients.registerWebClient({
      clientId: 'sne-console',
      redirectUris: [`${publicUrl}/auth/callback`],
      postLogoutRedirectUris: [`${publicUrl}/`],
    });
    ({ app: consoleInstance, url: ui } = await startApp(
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
      { port },
    ));
    for (const [code, department] of [
      ['M5701', '057'],
      ['P7501', '075'],
    ]) {
      const created = await fetch(`${api}/guichets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken()}` },
        body: JSON.stringify({
          code,
          name: `Guichet ${code}`,
          type: 'landlord',
          territory: { departments: [department] },
          referentEmail: `${code.toLowerCase()}@example.fr`,
          channels: { kafka: { enabled: false }, pull: { enabled: true } },
        }),
      });
      expect(created.status).toBe(201);
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Chromium's sandbox needs user namespaces a root CI container does not give.
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await consoleInstance?.close();
    await dispatchingApp?.close();
    await idp?.app.close();
    await kafka.cleanup();
  });

  it('signs in through the provider and shows the person and their territory', async () => {
    const page = await signIn('manager.moselle');
    await expect(page.locator('.who').innerText()).resolves.toBe(
      'Claire Gestionnaire — territorial-manager — 057',
    );
    const listed = await page.locator('table').innerText();
    expect(listed).toContain('M5701');
    expect(listed).not.toContain('P7501');
  });

  it("refuses another territory's guichet, in the page and at the API", async () => {
    const page = await signIn('manager.moselle');
    const answer = await page.goto(`${ui}/guichets/P7501`);
    expect(answer?.status()).toBe(403);
    expect(await page.content()).toContain('forbidden');
    // At the API, with a token of the same person from the provider (client credentials aside).
    const token = signTestToken(
      {
        kind: 'operator',
        id: 'manager.moselle',
        roles: ['territorial-manager'],
        territory: ['057'],
      },
      { claims: { iss: idp.issuer } },
    );
    expect((await apiGet('/guichets/P7501', token)).status).toBe(403);
    expect((await apiGet('/guichets/M5701', token)).status).toBe(200);
  });

  it('refuses a form whose CSRF token was taken out, and changes nothing', async () => {
    const admin = adminToken();
    const page = await signIn('manager.moselle');
    await page.goto(`${ui}/guichets/M5701`);
    await page.locator('input[name="_csrf"]').evaluateAll((fields) => {
      for (const field of fields) field.remove();
    });
    const [response] = await Promise.all([
      page.waitForResponse((answer) => answer.url().endsWith('/guichets/M5701/pause')),
      page.click('form[action="/guichets/M5701/pause"] button'),
    ]);
    expect(response.status()).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'csrf-token-invalid' } });
    const guichet = (await (await apiGet('/guichets/M5701', admin)).json()) as { paused: boolean };
    expect(guichet.paused).toBe(false);
  });

  it('signs out at the console and at the provider', async () => {
    const page = await signIn('manager.moselle');
    await page.click('text=Se déconnecter');
    await page.waitForURL((url) => url.pathname === '/oidc/session/end');
    await page.click('button[value=yes]');
    // Back at the console, signed out there and at the provider: sent to sign in, with a password.
    await page.waitForURL((url) => url.pathname.startsWith('/interaction/'));
    await expect(page.locator('input[name=password]').count()).resolves.toBe(1);
    await page.goto(`${ui}/guichets`);
    expect(new URL(page.url()).pathname).toMatch(/^\/interaction\//);
  });
});
