import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { appEnv, freePort, isolate, startApp, TestKafka, testStack } from '@sne/testing';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { AppModule as DispatchingModule } from '../apps/dispatching/src/app.module';
import { loadDispatchingConfig } from '../apps/dispatching/src/config';
import { AccountStore } from '../apps/identity-provider/src/account-store';
import { Browser } from './support/browser';
import { parsePerson } from '../apps/identity-provider/src/accounts';
import { AppModule, mountProvider } from '../apps/identity-provider/src/app.module';
import { ClientStore } from '../apps/identity-provider/src/client-store';
import { loadIdentityProviderConfig } from '../apps/identity-provider/src/config';
import { parseMachineClient } from '../apps/identity-provider/src/machine-clients';

const TOKEN_TTL_SECONDS = 3;

/**
 * Machines' own credentials: a guichet's software gets its access tokens from the identity
 * provider by client credentials, and the dispatching app, verifying against the provider's JWKS,
 * lets it reach its own feed and nothing else; a revoked client is out within its tokens' lifetime.
 */
describe('identity provider: client credentials of machines', () => {
  const isolation = isolate('identity-provider');
  let idp: INestApplication;
  let dispatching: INestApplication;
  let issuer: string;
  let api: string;
  let clients: ClientStore;
  const secrets: Record<string, string> = {};
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  const tokenRequest = (body: Record<string, string>, clientId?: string) =>
    fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(clientId
          ? {
              authorization: `Basic ${Buffer.from(`${clientId}:${secrets[clientId]}`).toString('base64')}`,
            }
          : {}),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...body }),
    });
  const tokenOf = async (clientId: string, app = 'dispatching') => {
    const response = await tokenRequest({ resource: `urn:sne:api:${app}` }, clientId);
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const call = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${api}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });
  const claimsOf = (jwt: string) =>
    JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}/oidc`;
    const signing = await generateKeyPair('ES256', { extractable: true });
    const config = loadIdentityProviderConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      REDIS_URL: testStack().redisUrl,
      IDP_ISSUER: issuer,
      IDP_SIGNING_JWKS: JSON.stringify({
        keys: [{ ...(await exportJWK(signing.privateKey)), kid: 'idp-test-1', alg: 'ES256' }],
      }),
      IDP_MACHINE_TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS),
      IDP_KEY_PREFIX: `${isolation.topicPrefix}idp:`,
    });
    idp = await NestFactory.create(AppModule.forRoot(config), { logger: false, bodyParser: false });
    mountProvider(idp, config);
    await idp.listen(port, '127.0.0.1');
    clients = idp.get(ClientStore);

    const register = async (input: unknown) => {
      const client = parseMachineClient(input);
      secrets[client.clientId] = (await clients.register(client, 'secret')).secret as string;
    };
    await register({
      kind: 'operator',
      clientId: 'sne-seed',
      roles: ['national-admin'],
      territory: 'all',
    });
    await register({
      kind: 'guichet',
      clientId: '57463',
      guichetType: 'municipality',
      territory: ['057'],
    });
    await register({
      kind: 'guichet',
      clientId: '75056',
      guichetType: 'municipality',
      territory: ['075'],
    });
    const keyPair = await generateKeyPair('ES256');
    privateKey = keyPair.privateKey;
    await clients.register(
      parseMachineClient({
        kind: 'guichet',
        clientId: '10691',
        guichetType: 'landlord',
        territory: ['057'],
      }),
      {
        jwks: {
          keys: [{ ...(await exportJWK(keyPair.publicKey)), kid: 'guichet-10691', alg: 'ES256' }],
        },
      },
    );

    const kafka = new TestKafka(isolation.topicPrefix);
    await kafka.createPlatformTopics();
    ({ app: dispatching, url: api } = await startApp(
      DispatchingModule.forRoot(
        loadDispatchingConfig(
          appEnv(isolation, {
            AUTH_ISSUER: issuer,
            AUTH_JWKS: '',
            AUTH_JWKS_URI: `${issuer}/jwks`,
            AUTH_CLOCK_TOLERANCE_SECONDS: '0',
            AUTH_MAX_TOKEN_LIFETIME_SECONDS: '900',
          }),
        ),
      ),
    ));
    const admin = await tokenOf('sne-seed');
    for (const [code, department] of [
      ['57463', '057'],
      ['75056', '075'],
      ['10691', '057'],
    ]) {
      const created = await call('/guichets', admin, {
        method: 'POST',
        body: JSON.stringify({
          code,
          name: `Guichet ${code}`,
          type: code === '10691' ? 'landlord' : 'municipality',
          territory: { departments: [department] },
          referentEmail: `referent.${code}@example.fr`,
          channels: { kafka: { enabled: false }, pull: { enabled: true } },
        }),
      });
      expect(created.status).toBe(201);
    }
  });

  afterAll(async () => {
    await dispatching?.close();
    await idp?.close();
  });

  const onProvider = (next: URL) => next.origin === new URL(issuer).origin;

  describe('people signing in through the web client (authorization code with PKCE)', () => {
    const CALLBACK = 'http://127.0.0.1:9/console/callback';
    let webSecret: string;
    const basic = () => `Basic ${Buffer.from(`sne-console:${webSecret}`).toString('base64')}`;

    beforeAll(async () => {
      ({ secret: webSecret } = await clients.registerWebClient({
        clientId: 'sne-console',
        redirectUris: [CALLBACK],
        postLogoutRedirectUris: ['http://127.0.0.1:9/console/'],
      }));
      const accounts = idp.get(AccountStore);
      await accounts.add(
        parsePerson({
          login: 'manager.moselle',
          name: 'Claire Manager',
          roles: ['territorial-manager'],
          territory: ['057', '054'],
        }),
        'correct horse battery staple',
      );
    });

    /** The web client asks for every API it calls (RFC 8707), then a token per API. */
    const authorize = (browser: Browser, challenge: string) => {
      const query = new URLSearchParams({
        client_id: 'sne-console',
        response_type: 'code',
        redirect_uri: CALLBACK,
        scope: 'openid offline_access',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: 'state-1',
        prompt: 'consent',
      });
      for (const api of ['dispatching', 'registration'])
        query.append('resource', `urn:sne:api:${api}`);
      return browser.follow(`${issuer}/auth?${query.toString()}`, {}, onProvider);
    };

    it("signs a person in and gives the web client tokens carrying the person's roles and territory", async () => {
      const browser = new Browser();
      const verifier = randomBytes(32).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const form = (await authorize(browser, challenge)) as Response;
      expect(form.status).toBe(200);
      expect(form.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      const action = /action="([^"]+)"/.exec(await form.text())?.[1] as string;

      const wrong = await browser.get(new URL(action, issuer).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'login=manager.moselle&password=not-the-password',
      });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toContain('Identifiant ou mot de passe incorrect.');

      const back = (await browser.follow(
        new URL(action, issuer).href,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'login=manager.moselle&password=correct+horse+battery+staple',
        },
        onProvider,
      )) as URL;
      expect(back.origin + back.pathname).toBe(CALLBACK);
      expect(back.searchParams.get('state')).toBe('state-1');
      const code = back.searchParams.get('code') as string;

      const exchanged = await fetch(`${issuer}/token`, {
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
      expect(exchanged.status).toBe(200);
      const tokens = (await exchanged.json()) as { access_token: string; refresh_token: string };
      expect(claimsOf(tokens.access_token)).toMatchObject({
        sub: 'manager.moselle',
        aud: 'urn:sne:api:dispatching',
        sne_kind: 'operator',
        sne_roles: ['territorial-manager'],
        sne_territory: ['057', '054'],
      });
      // The manager sees Moselle's guichets, not Paris's.
      expect((await call('/guichets/57463', tokens.access_token)).status).toBe(200);
      expect((await call('/guichets/75056', tokens.access_token)).status).toBe(403);

      const refreshed = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic() },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: tokens.refresh_token,
          resource: 'urn:sne:api:registration',
        }),
      });
      expect(refreshed.status).toBe(200);
      const forRegistration = ((await refreshed.json()) as { access_token: string }).access_token;
      expect(claimsOf(forRegistration)).toMatchObject({
        aud: 'urn:sne:api:registration',
        sne_territory: ['057', '054'],
      });
    });

    it('refuses a code without its PKCE verifier, and an authorization request without PKCE', async () => {
      const browser = new Browser();
      const verifier = randomBytes(32).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const form = (await authorize(browser, challenge)) as Response;
      const action = /action="([^"]+)"/.exec(await form.text())?.[1] as string;
      const back = (await browser.follow(
        new URL(action, issuer).href,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'login=manager.moselle&password=correct+horse+battery+staple',
        },
        onProvider,
      )) as URL;
      const stolen = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic() },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: back.searchParams.get('code') as string,
          redirect_uri: CALLBACK,
          code_verifier: randomBytes(32).toString('base64url'),
          resource: 'urn:sne:api:dispatching',
        }),
      });
      expect(stolen.status).toBe(400);
      expect(await stolen.json()).toMatchObject({ error: 'invalid_grant' });

      const withoutPkce = (await new Browser().follow(
        `${issuer}/auth?${new URLSearchParams({
          client_id: 'sne-console',
          response_type: 'code',
          redirect_uri: CALLBACK,
          scope: 'openid',
          resource: 'urn:sne:api:dispatching',
        }).toString()}`,
        {},
        onProvider,
      )) as URL;
      expect(withoutPkce).toBeInstanceOf(URL);
      expect(withoutPkce.searchParams.get('error')).toBe('invalid_request');
    });

    it('never redirects to an address the web client did not register', async () => {
      const response = (await new Browser().follow(
        `${issuer}/auth?${new URLSearchParams({
          client_id: 'sne-console',
          response_type: 'code',
          redirect_uri: 'https://evil.example/callback',
          scope: 'openid',
          code_challenge: 'x'.repeat(43),
          code_challenge_method: 'S256',
        }).toString()}`,
        {},
        onProvider,
      )) as Response;
      expect(response.status).toBe(400);
    });
  });

  it('issues RFC 9068 access tokens for one API, carrying what the client was registered as', async () => {
    const token = await tokenOf('57463');
    const [header] = token.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({
      alg: 'ES256',
      typ: 'at+jwt',
      kid: 'idp-test-1',
    });
    const claims = claimsOf(token);
    expect(claims).toMatchObject({
      iss: issuer,
      sub: '57463',
      client_id: '57463',
      aud: 'urn:sne:api:dispatching',
      sne_kind: 'guichet',
      sne_guichet_type: 'municipality',
      sne_territory: ['057'],
    });
    expect(claims.jti).toEqual(expect.any(String));
    expect((claims.exp as number) - (claims.iat as number)).toBe(TOKEN_TTL_SECONDS);
  });

  it("opens the guichet's own feed and no other guichet's", async () => {
    const token = await tokenOf('57463');
    expect((await call('/guichets/57463/feed', token)).status).toBe(200);
    expect((await call('/guichets/75056/feed', token)).status).toBe(403);
  });

  it('is refused by an API it was not issued for', async () => {
    const forRegistration = await tokenOf('57463', 'registration');
    const refused = await call('/guichets/57463/feed', forRegistration);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({
      error: { code: 'unauthenticated', message: expect.stringContaining('aud') },
    });
  });

  it('refuses a request without resource, an unknown resource and a wrong secret', async () => {
    const none = await tokenRequest({}, '57463');
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ error: 'invalid_target' });
    const unknown = await tokenRequest({ resource: 'https://evil.example/api' }, '57463');
    expect(await unknown.json()).toMatchObject({ error: 'invalid_target' });
    const wrong = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('57463:not-the-secret').toString('base64')}`,
      },
      body: 'grant_type=client_credentials&resource=urn:sne:api:dispatching',
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    const userGrant = await tokenRequest({ grant_type: 'authorization_code', code: 'x' }, '57463');
    expect(userGrant.status).toBe(400);
  });

  it('authenticates a client by a JWT signed with its own key (private_key_jwt)', async () => {
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'guichet-10691' })
      .setIssuer('10691')
      .setSubject('10691')
      .setAudience(issuer)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(privateKey);
    const response = await tokenRequest({
      resource: 'urn:sne:api:dispatching',
      client_id: '10691',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    expect(response.status).toBe(200);
    const { access_token: token } = (await response.json()) as { access_token: string };
    expect((await call('/guichets/10691/feed', token)).status).toBe(200);
  });

  it('shuts a revoked client out: no new token, the one it holds dead within its lifetime', async () => {
    const held = await tokenOf('75056');
    expect((await call('/guichets/75056/feed', held)).status).toBe(200);
    expect(await clients.revoke('75056')).toBe(true);
    const again = await tokenRequest({ resource: 'urn:sne:api:dispatching' }, '75056');
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ error: 'invalid_client' });
    await new Promise((resolve) => setTimeout(resolve, (TOKEN_TTL_SECONDS + 1) * 1000));
    const expired = await call('/guichets/75056/feed', held);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({
      error: { message: expect.stringContaining('expired') },
    });
  });
});
