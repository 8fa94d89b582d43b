import { ConfigError } from '@sne/platform';
import { loadIdentityProviderConfig } from './config';

const KEYS = JSON.stringify({
  keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd', kid: 'k', alg: 'ES256' }],
});

describe('identity provider configuration: ProConnect', () => {
  const load = (env: Record<string, string>) =>
    loadIdentityProviderConfig({ IDP_SIGNING_JWKS: KEYS, ...env });
  const issuesOf = (env: Record<string, string>) => {
    try {
      load(env);
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.issues.map((issue) => issue.variable);
    }
  };

  it('runs without federation, with the password form', () => {
    expect(load({}).IDP_PROCONNECT_ISSUER).toBe('');
    expect(issuesOf({ IDP_PASSWORD_SIGN_IN: 'false' })).toEqual(['IDP_PASSWORD_SIGN_IN']);
  });

  it('needs https, the client and openid; plain http only to loopback', () => {
    expect(issuesOf({ IDP_PROCONNECT_ISSUER: 'http://auth.proconnect.gouv.fr/api/v2' })).toEqual([
      'IDP_PROCONNECT_ISSUER',
      'IDP_PROCONNECT_CLIENT_ID',
      'IDP_PROCONNECT_CLIENT_SECRET',
    ]);
    const client = { IDP_PROCONNECT_CLIENT_ID: 'id', IDP_PROCONNECT_CLIENT_SECRET: 'secret' };
    expect(
      issuesOf({ ...client, IDP_PROCONNECT_ISSUER: 'https://auth.proconnect.gouv.fr/api/v2' }),
    ).toEqual([]);
    expect(issuesOf({ ...client, IDP_PROCONNECT_ISSUER: 'http://127.0.0.1:4000/api/v2' })).toEqual(
      [],
    );
    expect(
      issuesOf({
        ...client,
        IDP_PROCONNECT_ISSUER: 'https://auth.proconnect.gouv.fr/api/v2',
        IDP_PROCONNECT_SCOPES: 'email siret',
        IDP_PASSWORD_SIGN_IN: 'false',
      }),
    ).toEqual(['IDP_PROCONNECT_SCOPES']);
  });
});
