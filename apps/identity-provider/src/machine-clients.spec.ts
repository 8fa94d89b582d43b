import {
  claimsOfClient,
  ClientRegistrationError,
  parseMachineClient,
  providerMetadataOf,
} from './machine-clients';

describe(parseMachineClient.name, () => {
  it("keeps a guichet's code, type, territory and SIREN", () => {
    const client = parseMachineClient({
      kind: 'guichet',
      clientId: '57463',
      guichetType: 'landlord',
      territory: ['057'],
      siren: '552081317',
    });
    expect(claimsOfClient(client)).toEqual({
      sne_kind: 'guichet',
      sne_guichet_type: 'landlord',
      sne_territory: ['057'],
      sne_siren: '552081317',
    });
  });

  it('keeps a service acting as an operator with its roles', () => {
    const client = parseMachineClient({
      kind: 'operator',
      clientId: 'sne-console',
      roles: ['national-admin'],
      territory: 'all',
    });
    expect(claimsOfClient(client)).toEqual({
      sne_kind: 'operator',
      sne_roles: ['national-admin'],
      sne_territory: 'all',
    });
  });

  it('refuses a client without territory or roles, listing every problem at once', () => {
    const refusal = (input: unknown) => {
      try {
        parseMachineClient(input);
      } catch (error) {
        return (error as ClientRegistrationError).problems;
      }
      throw new Error('accepted');
    };
    expect(
      refusal({ kind: 'guichet', clientId: 'x', guichetType: 'Landlord', territory: [] }),
    ).toEqual([
      "territory: 'all' or a non-empty list of department codes",
      'clientId: the guichet code (5 characters, 0-9 A-Z)',
      'guichetType: lower-case letters and hyphens',
    ]);
    expect(
      refusal({ kind: 'operator', clientId: 'sne-console', roles: [], territory: 'all' }),
    ).toEqual([expect.stringMatching(/^roles:/)]);
    expect(refusal({ kind: 'root', territory: 'all' })).toEqual(["kind: 'guichet' or 'operator'"]);
  });
});

describe(providerMetadataOf.name, () => {
  const guichet = parseMachineClient({
    kind: 'guichet',
    clientId: '57463',
    guichetType: 'municipality',
    territory: ['057'],
  });

  it('allows client credentials only: no redirect, no user grant', () => {
    const metadata = providerMetadataOf(guichet, { secret: 's'.repeat(43) });
    expect(metadata).toMatchObject({
      client_id: '57463',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    });
  });

  it('takes a key set for private-key JWT authentication, and then no secret', () => {
    const metadata = providerMetadataOf(guichet, { jwks: { keys: [{ kty: 'EC' }] } });
    expect(metadata).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt' });
    expect(metadata).not.toHaveProperty('client_secret');
  });
});
