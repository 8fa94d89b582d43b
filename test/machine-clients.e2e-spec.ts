import type { INestApplication } from '@nestjs/common';
import { guichetDeliveryTopic } from '@sne/contracts';
import { isolate, operatorAuth, TestKafka, TEST_ISSUER, waitFor } from '@sne/testing';
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
});
