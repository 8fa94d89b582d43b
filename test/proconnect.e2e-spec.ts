import { createHash, randomBytes } from 'node:crypto';
import { isolate } from '@sne/testing';
import { parsePerson } from '../apps/identity-provider/src/accounts';
import { Browser } from './support/browser';
import {
  reserveIdentityProvider,
  startIdentityProvider,
  type TestIdentityProvider,
} from './support/identity-provider';
import {
  type ProConnectStandIn,
  type StandInAgent,
  startProConnectStandIn,
} from './support/proconnect-stand-in';

const CALLBACK = 'http://127.0.0.1:9/console/callback';
const LOGGED_OUT = 'http://127.0.0.1:9/console/';

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

const AGENT: StandInAgent = {
  sub: 'agent-sub-at-the-ministry-idp',
  email: 'Claire.Gestionnaire@moselle.gouv.fr',
  siret: '22570001300013',
  given_name: 'Claire',
  usual_name: 'Gestionnaire',
  uid: 'cgestionnaire',
  idp_id: 'ministry-idp',
};

/**
 * Agents of the State signing in through ProConnect (a stand-in on loopback): the platform's
 * provider is ProConnect's relying party, matches the agent to an account of the register by
 * e-mail and SIRET, and issues the register's tokens with that account's roles and territory.
 * The password form is off, as in production; the logout ends the ProConnect session too.
 */
describe('identity provider: signing agents in through ProConnect', () => {
  const isolation = isolate('proconnect');
  let standIn: ProConnectStandIn;
  let idp: TestIdentityProvider;
  let webSecret: string;
  const basic = () => `Basic ${Buffer.from(`sne-console:${webSecret}`).toString('base64')}`;

  beforeAll(async () => {
    const reserved = await reserveIdentityProvider();
    const origin = new URL(reserved.issuer).origin;
    standIn = await startProConnectStandIn({
      redirectUri: `${origin}/interaction/proconnect/callback`,
      postLogoutRedirectUri: `${origin}/interaction/proconnect/logged-out`,
    });
    idp = await startIdentityProvider(
      isolation,
      {
        IDP_PROCONNECT_ISSUER: standIn.issuer,
        IDP_PROCONNECT_CLIENT_ID: standIn.clientId,
        IDP_PROCONNECT_CLIENT_SECRET: standIn.clientSecret,
        IDP_PASSWORD_SIGN_IN: 'false',
      },
      reserved,
    );
    ({ secret: webSecret } = await idp.clients.registerWebClient({
      clientId: 'sne-console',
      redirectUris: [CALLBACK],
      postLogoutRedirectUris: [LOGGED_OUT],
    }));
    await idp.accounts.add(
      parsePerson({
        login: 'claire.gestionnaire',
        name: 'C. Gestionnaire',
        roles: ['territorial-manager'],
        territory: ['057', '054'],
        proconnect: { email: 'claire.gestionnaire@moselle.gouv.fr', sirets: [AGENT.siret] },
      }),
    );
  });

  afterAll(async () => {
    await idp?.app.close();
    await standIn?.close();
  });

  /** The web client's authorization request, up to the provider's sign-in page. */
  const signInPage = async (browser: Browser, challenge: string) => {
    const query = new URLSearchParams({
      client_id: 'sne-console',
      response_type: 'code',
      redirect_uri: CALLBACK,
      scope: 'openid offline_access',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'console-state',
      prompt: 'consent',
      resource: 'urn:sne:api:dispatching',
    });
    const page = (await browser.follow(`${idp.issuer}/auth?${query.toString()}`)) as Response;
    expect(page.status).toBe(200);
    return { page, html: await page.text() };
  };

  /** Presses "S'identifier avec ProConnect" and follows every hop until the web client's callback. */
  const throughProConnect = async (browser: Browser, html: string, pageUrl: string) => {
    const action = /action="([^"]+\/proconnect)"/.exec(html)?.[1];
    expect(action).toBeDefined();
    return browser.follow(
      new URL(action as string, pageUrl).href,
      { method: 'POST' },
      (next) => next.href.split('?')[0] !== CALLBACK,
    );
  };

  /** The web client's code exchange, for the dispatching API's token. */
  const exchange = (code: string, verifier: string) =>
    fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic() },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: CALLBACK,
        code_verifier: verifier,
        resource: 'urn:sne:api:dispatching',
      }),
    });

  const pkce = () => {
    const verifier = randomBytes(32).toString('base64url');
    return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
  };

  it('offers ProConnect and no password form when password sign-in is off', async () => {
    const browser = new Browser();
    const { page, html } = await signInPage(browser, pkce().challenge);
    expect(html).toContain('S’identifier avec ProConnect');
    expect(html).not.toContain('type="password"');
    const uid = /\/interaction\/([^/"]+)\/proconnect/.exec(html)?.[1] as string;
    const password = await browser.get(new URL(`/interaction/${uid}/login`, page.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'login=claire.gestionnaire&password=anything-at-all',
    });
    expect(password.status).toBe(400);
  });

  it("signs a known agent in with the account's roles and territory", async () => {
    standIn.signInAs(AGENT);
    const browser = new Browser();
    const { verifier, challenge } = pkce();
    const { page, html } = await signInPage(browser, challenge);
    const back = await throughProConnect(browser, html, page.url);
    expect(back).toBeInstanceOf(URL);
    const code = (back as URL).searchParams.get('code') as string;
    expect((back as URL).searchParams.get('state')).toBe('console-state');

    const exchanged = await exchange(code, verifier);
    expect(exchanged.status).toBe(200);
    const tokens = (await exchanged.json()) as { access_token: string; id_token: string };
    expect(claimsOf(tokens.access_token)).toMatchObject({
      sub: 'claire.gestionnaire',
      aud: 'urn:sne:api:dispatching',
      sne_kind: 'operator',
      sne_roles: ['territorial-manager'],
      sne_territory: ['057', '054'],
    });
    // ProConnect's own token never reaches the web client: the register's provider signs.
    expect(claimsOf(tokens.id_token)).toMatchObject({
      iss: idp.issuer,
      sub: 'claire.gestionnaire',
    });
    // The account's name follows ProConnect's; its roles and territory stay the register's.
    expect(await idp.accounts.find('claire.gestionnaire')).toMatchObject({
      name: 'Claire Gestionnaire',
      territory: ['057', '054'],
    });
  });

  it('refuses an agent the register has no account for, and one of another establishment', async () => {
    for (const agent of [
      { ...AGENT, sub: 'someone-else', email: 'inconnu@moselle.gouv.fr' },
      { ...AGENT, siret: '11000101300017' },
    ]) {
      standIn.signInAs(agent);
      const browser = new Browser();
      const { page, html } = await signInPage(browser, pkce().challenge);
      const refused = (await throughProConnect(browser, html, page.url)) as Response;
      expect(refused).toBeInstanceOf(Response);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('aucun compte du registre');
    }
  });

  it('refuses a return from ProConnect replayed, and one ProConnect refused', async () => {
    standIn.signInAs(AGENT);
    const browser = new Browser();
    const { page, html } = await signInPage(browser, pkce().challenge);
    const action = /action="([^"]+\/proconnect)"/.exec(html)?.[1] as string;
    const callback = (await browser.follow(
      new URL(action, page.url).href,
      { method: 'POST' },
      (next) => !next.pathname.endsWith('/proconnect/callback'),
    )) as URL;
    expect(callback.pathname).toBe('/interaction/proconnect/callback');
    const first = await browser.get(callback.href);
    expect(first.status).toBe(303);
    const replayed = await browser.get(callback.href);
    expect(replayed.status).toBe(403);
    expect(await replayed.text()).toContain('expiré ou a déjà servi');

    standIn.signInAs(undefined);
    const other = new Browser();
    const next = await signInPage(other, pkce().challenge);
    const denied = (await throughProConnect(other, next.html, next.page.url)) as Response;
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain('access_denied');
  });

  it('answers a browser without its interaction, or with a forged return, with a 4xx page', async () => {
    const origin = new URL(idp.issuer).origin;
    const stranger = new Browser();
    for (const [method, path] of [
      ['GET', '/interaction/not-an-interaction'],
      ['POST', '/interaction/not-an-interaction/proconnect'],
      ['POST', '/interaction/not-an-interaction/login'],
      ['GET', '/interaction/not-an-interaction/proconnect/finish?state=forged'],
    ]) {
      const answer = await stranger.get(`${origin}${path}`, { method });
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(answer.headers.get('content-type')).toContain('text/html');
    }
    const forged = await stranger.get(
      `${origin}/interaction/proconnect/callback?code=x&state=forged`,
    );
    expect(forged.status).toBe(403);
    const loggedOut = await stranger.get(
      `${origin}/interaction/proconnect/logged-out?state=forged`,
    );
    expect(loggedOut.status).toBe(200);
  });

  it('ends the ProConnect session when the agent signs out of the register', async () => {
    standIn.signInAs(AGENT);
    const browser = new Browser();
    const { verifier, challenge } = pkce();
    const { page, html } = await signInPage(browser, challenge);
    const back = (await throughProConnect(browser, html, page.url)) as URL;
    const exchanged = await exchange(back.searchParams.get('code') as string, verifier);
    const { id_token: idToken } = (await exchanged.json()) as { id_token: string };
    const endedBefore = standIn.endedSessions.length;

    const confirm = async (response: Response, origin: string, stay: (next: URL) => boolean) => {
      const form = await response.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(form)?.[1] as string;
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(form)?.[1] as string;
      return browser.follow(
        new URL(action, origin).href,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
        },
        stay,
      );
    };
    const logoutPage = (await browser.follow(
      `${idp.issuer}/session/end?${new URLSearchParams({
        id_token_hint: idToken,
        post_logout_redirect_uri: LOGGED_OUT,
        state: 'bye',
      }).toString()}`,
    )) as Response;
    expect(logoutPage.status).toBe(200);
    const standInOrigin = new URL(standIn.issuer).origin;
    const atProConnect = (await confirm(
      logoutPage,
      idp.issuer,
      (next) => next.origin !== standInOrigin,
    )) as URL;
    expect(atProConnect.origin).toBe(standInOrigin);
    expect(atProConnect.pathname).toBe('/api/v2/session/end');
    expect(claimsOf(atProConnect.searchParams.get('id_token_hint') as string)).toMatchObject({
      iss: standIn.issuer,
      sub: AGENT.sub,
    });
    expect(atProConnect.searchParams.get('state')).toMatch(/^[\w-]{32,}$/);
    expect(atProConnect.searchParams.get('post_logout_redirect_uri')).toBe(
      `${new URL(idp.issuer).origin}/interaction/proconnect/logged-out`,
    );

    const standInPage = (await browser.follow(atProConnect.href)) as Response;
    const home = (await confirm(
      standInPage,
      atProConnect.origin,
      (next) => next.href.split('?')[0] !== LOGGED_OUT,
    )) as URL;
    expect(home.href).toBe(`${LOGGED_OUT}?state=bye`);
    expect(standIn.endedSessions.slice(endedBefore)).toEqual([AGENT.sub]);
    // The way back is used once.
    const again = await browser.get(
      `${new URL(idp.issuer).origin}/interaction/proconnect/logged-out?state=${atProConnect.searchParams.get('state')}`,
    );
    expect(again.status).toBe(200);
  });
});
