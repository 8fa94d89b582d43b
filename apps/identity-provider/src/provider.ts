import { apiAudience } from '@sne/auth';
import type { JWK } from 'jose';
import Provider, { type Adapter, errors } from 'oidc-provider';
import { claimsOfClient, type MachineClient, parseMachineClient } from './machine-clients';

/** The APIs a token may be asked for, by RFC 8707 `resource`; each is its tokens' `aud`. */
export const PLATFORM_APIS = [
  'registration',
  'dispatching',
  'renewal-notices',
  'document-ingestion',
];

export interface ProviderSettings {
  readonly issuer: string;
  readonly signingKeys: readonly JWK[];
  readonly machineTokenTtlSeconds: number;
  readonly cookieKeys: readonly string[];
  readonly adapter: new (model: string) => Adapter;
}

/**
 * The OpenID provider (oidc-provider, the certified implementation): for now the client
 * credentials of machines, each token a JWT of RFC 9068 for one API, carrying what the client was
 * registered as. People's sign-in (authorization code with PKCE) comes with the console's.
 */
export function createProvider(settings: ProviderSettings): Provider {
  const resources = new Set(PLATFORM_APIS.map(apiAudience));
  const provider = new Provider(settings.issuer, {
    adapter: settings.adapter,
    jwks: { keys: settings.signingKeys.map((key) => ({ ...key, use: 'sig' })) },
    cookies: { keys: [...settings.cookieKeys] },
    clientAuthMethods: ['client_secret_basic', 'private_key_jwt'],
    enabledJWA: { clientAuthSigningAlgValues: ['ES256'] },
    extraClientMetadata: {
      properties: ['sne_client'],
      validator(_ctx, key, value) {
        if (key !== 'sne_client') return;
        try {
          parseMachineClient(value);
        } catch (error) {
          throw new errors.InvalidClientMetadata((error as Error).message);
        }
      },
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // A token names its API: without `resource` there is nothing to ask for.
        defaultResource: () => {
          throw new errors.InvalidTarget('resource is required: urn:sne:api:<app>');
        },
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (!resources.has(resource)) throw new errors.InvalidTarget(`unknown resource`);
          return {
            scope: 'api',
            audience: resource,
            accessTokenTTL: settings.machineTokenTtlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    ttl: { ClientCredentials: settings.machineTokenTtlSeconds },
    extraTokenClaims: (ctx, token) => {
      if (token.kind !== 'ClientCredentials') return undefined;
      const client = ctx.oidc.client?.['sne_client'] as MachineClient | undefined;
      if (!client) throw new errors.InvalidClient('not a client of the register');
      return claimsOfClient(client);
    },
  });
  provider.proxy = false;
  return provider;
}
