import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { appEnv, freePort, isolate, startApp, TestKafka, testStack } from '@sne/testing';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { AppModule as DispatchingModule } from '../apps/dispatching/src/app.module';
import { loadDispatchingConfig } from '../apps/dispatching/src/config';
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
      clientId: 'sne-console',
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
    const admin = await tokenOf('sne-console');
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
