import type { INestApplication } from '@nestjs/common';
import { guichetDeliveryTopic } from '@sne/contracts';
import { MONGO_CONNECTION } from '@sne/persistence';
import { isolate, operatorAuth, TestKafka, TEST_ISSUER, waitFor } from '@sne/testing';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { MachineClientReconciler } from '../apps/dispatching/src/machine-clients/machine-client-reconciler';
import {
  createGuichets,
  type JsonClient,
  publishParisAndMoselle,
  startDispatching,
} from './support/dispatching-app';
import { startIdentityProvider, type TestIdentityProvider } from './support/identity-provider';

const REGISTRATION_TOKEN = 'sne-test-registration-token-of-the-dispatcher';

/**
 * A guichet's machine client comes and goes with it: registered at the identity provider when
 * the guichet is created (RFC 7591), its secret replaced or the client revoked by the guichet's
 * managers (RFC 7592), each a security event of the trail.
 */
describe('machine clients of guichets', () => {
  const isolation = isolate('machine-clients');
  const kafka = new TestKafka(isolation.topicPrefix);
  let idp: TestIdentityProvider;
  let dispatching: INestApplication;
  let client: JsonClient;

  const tokenRequest = (clientId: string, secret: string) =>
    fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        resource: 'urn:sne:api:dispatching',
      }),
    });
  const tokenOf = async (clientId: string, secret: string) => {
    const response = await tokenRequest(clientId, secret);
    expect(response.status).toBe(200);
    return {
      authorization: `Bearer ${((await response.json()) as { access_token: string }).access_token}`,
    };
  };
  type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
  const publicJwk = async (keys: KeyPair, kid: string) => ({
    ...(await exportJWK(keys.publicKey)),
    kid,
    alg: 'ES256',
    use: 'sig',
  });
  /** A token request authenticated by a client assertion (RFC 7523) signed with the key. */
  const assertionTokenRequest = async (
    clientId: string,
    keys: KeyPair,
    kid: string,
    audience: string,
  ) => {
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(audience)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(keys.privateKey);
    return fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        resource: 'urn:sne:api:dispatching',
        client_id: clientId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }),
    });
  };
  const paris = operatorAuth('manager.paris', ['territorial-manager'], ['075']);
  let first: { clientId: string; clientSecret: string };

  beforeAll(async () => {
    await kafka.createPlatformTopics();
    idp = await startIdentityProvider(isolation, { IDP_REGISTRATION_TOKEN: REGISTRATION_TOKEN });
    ({ app: dispatching, client } = await startDispatching(isolation, {
      AUTH_ISSUER: `${TEST_ISSUER},${idp.issuer}`,
      IDP_REGISTRATION_URL: `${idp.issuer}/reg`,
      IDP_REGISTRATION_TOKEN: REGISTRATION_TOKEN,
    }));
  });

  afterAll(async () => {
    await dispatching?.close();
    await idp?.app.close();
    await kafka.cleanup();
  });

  it('registers the client of a new guichet, fixed to its code and territory', async () => {
    await createGuichets(client, [{ code: 'M5701', departments: ['057'] }]);
    const created = await client(
      'POST',
      '/guichets',
      {
        code: 'P7501',
        name: 'Paris Habitat',
        type: 'landlord',
        territory: { departments: ['075'] },
        referentEmail: 'referent.p7501@example.fr',
        channels: { kafka: { enabled: true }, pull: { enabled: true } },
      },
      paris,
    );
    expect(created.status).toBe(201);
    expect(created.body.machineClient).toEqual({
      clientId: 'P7501',
      clientSecret: expect.any(String),
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
    first = created.body.machineClient as typeof first;
    const asGuichet = await tokenOf('P7501', first.clientSecret);
    expect((await client('GET', '/guichets/P7501/feed?limit=1', undefined, asGuichet)).status).toBe(
      200,
    );
    expect((await client('GET', '/guichets/M5701/feed?limit=1', undefined, asGuichet)).status).toBe(
      403,
    );
  });

  it('opens registration to the dispatcher alone, and for guichet clients only', async () => {
    const register = (authorization: string | undefined, sneClient: unknown) =>
      fetch(`${idp.issuer}/reg`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify({
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_basic',
          sne_client: sneClient,
        }),
      });
    const guichet = {
      kind: 'guichet',
      clientId: 'X0001',
      guichetType: 'landlord',
      territory: ['075'],
    };
    expect((await register(undefined, guichet)).status).toBe(401);
    expect((await register('Bearer not-the-token', guichet)).status).toBe(401);
    const operator = await register(`Bearer ${REGISTRATION_TOKEN}`, {
      kind: 'operator',
      clientId: 'sne-intruder',
      roles: ['national-admin'],
      territory: 'all',
    });
    expect(operator.status).toBe(400);
    expect(((await operator.json()) as { error: string }).error).toBe('invalid_client_metadata');
  });

  it('replaces the secret: the old one is refused at once, the new one works', async () => {
    expect(
      (await client('POST', '/guichets/M5701/oauth/credentials', undefined, paris)).status,
    ).toBe(403);
    const issued = await client('POST', '/guichets/P7501/oauth/credentials', undefined, paris);
    expect(issued.status).toBe(201);
    expect(issued.body.clientSecret).not.toBe(first.clientSecret);
    expect((await tokenRequest('P7501', first.clientSecret)).status).toBe(401);
    await tokenOf('P7501', issued.body.clientSecret as string);
  });

  it("registers the guichet's public key: a token by private_key_jwt, no secret", async () => {
    await createGuichets(client, [{ code: 'P7504', departments: ['075'], subscribed: false }]);
    const secretOnly = await client('POST', '/guichets/P7504/oauth/credentials', {}, paris);
    expect(secretOnly.status).toBe(201);
    expect(secretOnly.body.tokenEndpointAuthMethod).toBe('client_secret_basic');

    const keys = await generateKeyPair('ES256', { extractable: true });
    const registered = await client(
      'POST',
      '/guichets/P7504/oauth/credentials',
      { jwks: { keys: [await publicJwk(keys, 'p7504-1')] } },
      paris,
    );
    expect(registered.status).toBe(201);
    expect(registered.body).toEqual({
      clientId: 'P7504',
      tokenEndpointAuthMethod: 'private_key_jwt',
      tokenEndpoint: `${idp.issuer}/token`,
    });
    const endpoint = registered.body.tokenEndpoint as string;
    const answer = await assertionTokenRequest('P7504', keys, 'p7504-1', endpoint);
    expect(answer.status).toBe(200);
    const { access_token: token } = (await answer.json()) as { access_token: string };
    const asGuichet = { authorization: `Bearer ${token}` };
    expect((await client('GET', '/guichets/P7504/feed?limit=1', undefined, asGuichet)).status).toBe(
      200,
    );
    // The issuer is an audience oidc-provider accepts too.
    expect((await assertionTokenRequest('P7504', keys, 'p7504-1', idp.issuer)).status).toBe(200);
    // Neither the secret it had nor any other: the client authenticates by its key alone.
    expect((await tokenRequest('P7504', secretOnly.body.clientSecret as string)).status).toBe(401);

    const entries = await kafka.auditEntries(
      (candidate) =>
        candidate.guichet === 'P7504' && candidate.action === 'issue-oauth-credentials',
      3,
    );
    expect(entries.filter((entry) => entry.who === 'operator:manager.paris')).toHaveLength(2);
  });

  it('refuses a private key, or a key of another kind, every problem at once', async () => {
    const keys = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = { ...(await exportJWK(keys.privateKey)), kid: 'leaked' };
    const refused = await client(
      'POST',
      '/guichets/P7504/oauth/credentials',
      {
        jwks: {
          keys: [privateJwk, { kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'rsa', use: 'enc' }],
        },
        jwks_uri: 'https://guichet.example.fr/jwks',
      },
      paris,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('invalid-input');
    const issues = refused.body.error.details.issues as Array<{ path: string; message: string }>;
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: '/jwks/keys/0/d', message: expect.stringContaining('private key') },
        { path: '/jwks_uri', message: expect.any(String) },
        { path: '/jwks/keys/1/kty', message: expect.any(String) },
        { path: '/jwks/keys/1/use', message: expect.any(String) },
      ]),
    );
    // The provider refuses it too, if anyone but the dispatcher's checks sent it.
    const direct = await fetch(`${idp.issuer}/reg`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${REGISTRATION_TOKEN}`,
      },
      body: JSON.stringify({
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks_uri: 'https://guichet.example.fr/jwks',
        sne_client: {
          kind: 'guichet',
          clientId: 'X0002',
          guichetType: 'landlord',
          territory: ['075'],
        },
      }),
    });
    expect(direct.status).toBe(400);
    expect(((await direct.json()) as { error: string }).error).toBe('invalid_client_metadata');
  });

  it("replaces the guichet's keys: the old key's assertion is refused at once", async () => {
    const before = await generateKeyPair('ES256', { extractable: true });
    const after = await generateKeyPair('ES256', { extractable: true });
    const register = async (keys: KeyPair, kid: string) =>
      (
        await client(
          'POST',
          '/guichets/P7504/oauth/credentials',
          { jwks: { keys: [await publicJwk(keys, kid)] } },
          paris,
        )
      ).status;
    expect(await register(before, 'p7504')).toBe(201);
    expect((await assertionTokenRequest('P7504', before, 'p7504', idp.issuer)).status).toBe(200);
    expect(await register(after, 'p7504')).toBe(201);
    expect((await assertionTokenRequest('P7504', before, 'p7504', idp.issuer)).status).toBe(401);
    expect((await assertionTokenRequest('P7504', after, 'p7504', idp.issuer)).status).toBe(200);
  });

  it('revokes the client: no new token, and the trail names who did each step', async () => {
    expect((await client('DELETE', '/guichets/P7501/oauth/client', undefined, paris)).status).toBe(
      204,
    );
    expect((await client('DELETE', '/guichets/P7501/oauth/client', undefined, paris)).status).toBe(
      404,
    );
    const issued = await client('POST', '/guichets/P7501/oauth/credentials', undefined, paris);
    expect(issued.status).toBe(201);
    await client('DELETE', '/guichets/P7501/oauth/client', undefined, paris);
    expect((await tokenRequest('P7501', issued.body.clientSecret as string)).status).toBe(401);

    const entries = await kafka.auditEntries(
      (entry) => entry.guichet === 'P7501' && entry.action.includes('oauth'),
      5,
    );
    expect(entries.map((entry) => [entry.who, entry.action])).toEqual(
      expect.arrayContaining([
        ['operator:manager.paris', 'issue-oauth-credentials'],
        ['operator:manager.paris', 'revoke-oauth-client'],
      ]),
    );
    expect(entries.every((entry) => entry.departments.includes('075'))).toBe(true);
  });

  it('retires a guichet: nothing delivered to it any more, its client revoked, audited', async () => {
    await createGuichets(client, [
      { code: 'P7502', departments: ['075'] },
      { code: 'P7503', departments: ['075'] },
    ]);
    const issued = await client('POST', '/guichets/P7502/oauth/credentials', undefined, paris);
    expect(issued.status).toBe(201);
    const logOf = (code: string) => kafka.messageCount(guichetDeliveryTopic(code));
    await publishParisAndMoselle(kafka, 1);
    await waitFor(async () => (await logOf('P7502')) === 1 && (await logOf('P7503')) === 1, {
      description: 'one delivery to each Paris guichet',
    });

    expect((await client('POST', '/guichets/P7502/retire', undefined, paris)).status).toBe(200);
    expect((await tokenRequest('P7502', issued.body.clientSecret as string)).status).toBe(401);
    const subscription = await client(
      'PUT',
      '/guichets/P7502/subscription',
      {
        eventTypes: ['sne.demand.registered.v1'],
        rule: { field: 'demand.householdSize', range: { gte: 0 } },
      },
      { ...paris, 'if-match': '"2"' },
    );
    expect(subscription.status).toBe(409);
    await publishParisAndMoselle(kafka, 1);
    await waitFor(async () => (await logOf('P7503')) === 2, {
      description: 'the second delivery to the guichet still in service',
    });
    expect(await logOf('P7502')).toBe(1);

    const [retirement] = await kafka.auditEntries(
      (entry) => entry.guichet === 'P7502' && entry.action === 'retire-guichet',
    );
    expect(retirement).toMatchObject({ who: 'operator:manager.paris', departments: ['075'] });
  });

  it('reconciles: revokes the clients of guichets retired or removed behind its back, reports those without', async () => {
    await createGuichets(client, [
      { code: 'P7505', departments: ['075'], subscribed: false },
      { code: 'P7506', departments: ['075'], subscribed: false },
      { code: 'P7507', departments: ['075'], subscribed: false },
    ]);
    const secretOf = async (code: string) => {
      const issued = await client('POST', `/guichets/${code}/oauth/credentials`, undefined, paris);
      expect(issued.status).toBe(201);
      return issued.body.clientSecret as string;
    };
    const retiredSecret = await secretOf('P7505');
    const removedSecret = await secretOf('P7506');
    await tokenOf('P7505', retiredSecret);
    expect((await client('DELETE', '/guichets/P7507/oauth/client', undefined, paris)).status).toBe(
      204,
    );
    const guichets = dispatching.get<Connection>(MONGO_CONNECTION).collection('guichets');
    await guichets.updateOne(
      { _id: 'P7505' as never },
      { $set: { retiredAt: new Date().toISOString(), paused: true } },
    );
    await guichets.deleteOne({ _id: 'P7506' as never });

    const reconciler = dispatching.get(MachineClientReconciler);
    const report = await reconciler.run();
    expect(report.revoked).toEqual(['P7505', 'P7506']);
    expect(report.failed).toEqual([]);
    // P7501 lost its client by the revoke route above; P7507 just now.
    expect(report.withoutClient).toEqual(expect.arrayContaining(['P7501', 'P7507']));
    expect(report.withoutClient).not.toContain('P7505');
    expect((await tokenRequest('P7505', retiredSecret)).status).toBe(401);
    expect((await tokenRequest('P7506', removedSecret)).status).toBe(401);

    const metrics = (await client('GET', '/metrics')).bytes.toString('utf8');
    expect(metrics).toMatch(
      new RegExp(
        `^sne_guichets_without_machine_client\\{[^}]*\\} ${report.withoutClient.length}$`,
        'm',
      ),
    );
    expect(metrics).toMatch(
      /^sne_machine_client_reconcile_revocations_total\{[^}]*outcome="revoked"[^}]*\} 2$/m,
    );
    // Idempotent: a second run, or another instance's, finds nothing left to revoke.
    expect((await reconciler.run()).revoked).toEqual([]);
  });
});
