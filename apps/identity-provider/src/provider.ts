import { apiAudience } from '@sne/auth';
import { html } from '@sne/platform';
import type { JWK } from 'jose';
import Provider, { type Adapter, errors } from 'oidc-provider';
import type { AccountStore } from './account-store';
import { claimsOfPerson } from './accounts';
import { claimsOfClient, type MachineClient, parseMachineClient } from './machine-clients';

/** The APIs a token may be asked for, by RFC 8707 `resource`; each is its tokens' `aud`. */
export const PLATFORM_APIS = [
  'registration',
  'dispatching',
  'renewal-notices',
  'document-ingestion',
  'audit-trail',
];

/** The OpenID scopes a person's sign-in may grant the web client. */
export const OIDC_SCOPES = ['openid', 'profile', 'offline_access'];

/** Where the provider sends a person to sign in: the app's own page, beside the provider's mount. */
export const interactionPath = (uid: string) => `/interaction/${uid}`;

export interface ProviderSettings {
  readonly issuer: string;
  readonly signingKeys: readonly JWK[];
  readonly machineTokenTtlSeconds: number;
  readonly personTokenTtlSeconds: number;
  readonly cookieKeys: readonly string[];
  readonly secureCookies: boolean;
  readonly adapter: new (model: string) => Adapter;
  readonly accounts: AccountStore;
  /** RFC 7591's initial access token for guichets' clients; empty: no registration endpoint. */
  readonly registrationToken: string;
}

/** Routes of client registration (RFC 7591) and its management (RFC 7592). */
const REGISTRATION_ROUTES = new Set(['registration', 'client_update']);

interface RegisteredAuthentication {
  readonly token_endpoint_auth_method?: string;
  readonly token_endpoint_auth_signing_alg?: string;
  readonly jwks?: { readonly keys?: ReadonlyArray<Record<string, unknown>> };
  readonly jwks_uri?: string;
}

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * A registered client authenticates by a secret or by its own P-256 keys, given inline: a
 * `jwks_uri` would be fetched from wherever the registrant says, and change without anyone here
 * seeing it.
 */
function refuseOtherAuthentication(metadata: RegisteredAuthentication): void {
  if (metadata.jwks_uri !== undefined)
    throw new errors.InvalidClientMetadata('jwks_uri: none, the public keys inline in jwks');
  const method = metadata.token_endpoint_auth_method ?? 'client_secret_basic';
  if (method === 'client_secret_basic') {
    if (metadata.jwks !== undefined)
      throw new errors.InvalidClientMetadata('jwks: only with private_key_jwt');
    return;
  }
  if (method !== 'private_key_jwt')
    throw new errors.InvalidClientMetadata(
      'token_endpoint_auth_method: client_secret_basic or private_key_jwt',
    );
  if (metadata.token_endpoint_auth_signing_alg !== 'ES256')
    throw new errors.InvalidClientMetadata('token_endpoint_auth_signing_alg: ES256');
  const keys = metadata.jwks?.keys ?? [];
  if (keys.length === 0) throw new errors.InvalidClientMetadata('jwks: one or more public keys');
  keys.forEach((key, index) => {
    if (key.kty !== 'EC' || key.crv !== 'P-256')
      throw new errors.InvalidClientMetadata(`jwks.keys[${index}]: an EC P-256 key`);
    const secret = PRIVATE_JWK_MEMBERS.filter((member) => key[member] !== undefined);
    if (secret.length > 0)
      throw new errors.InvalidClientMetadata(
        `jwks.keys[${index}]: a private key (${secret.join(', ')}), the public key only`,
      );
  });
}

/**
 * The OpenID provider (oidc-provider, the certified implementation). Machines: client
 * credentials, a JWT of RFC 9068 for one API carrying what the client was registered as. People:
 * authorization code with PKCE through the web client (the console), signed in on this app's own
 * page, their tokens carrying their roles and territory; a refresh token gets a token per API.
 */
export function createProvider(settings: ProviderSettings): Provider {
  const resources = new Set(PLATFORM_APIS.map(apiAudience));
  const provider = new Provider(settings.issuer, {
    adapter: settings.adapter,
    jwks: { keys: settings.signingKeys.map((key) => ({ ...key, use: 'sig' })) },
    cookies: {
      keys: [...settings.cookieKeys],
      long: { signed: true, secure: settings.secureCookies, sameSite: 'lax' },
      short: { signed: true, secure: settings.secureCookies, sameSite: 'lax' },
    },
    clientAuthMethods: ['client_secret_basic', 'private_key_jwt'],
    enabledJWA: { clientAuthSigningAlgValues: ['ES256'] },
    extraClientMetadata: {
      properties: ['sne_client'],
      validator(ctx, key, value, metadata) {
        if (key !== 'sne_client') return;
        const registering = REGISTRATION_ROUTES.has(ctx?.oidc?.route ?? '');
        if (value === undefined) {
          if (registering) throw new errors.InvalidClientMetadata('sne_client is required');
          return;
        }
        let client: MachineClient;
        try {
          client = parseMachineClient(value);
        } catch (error) {
          throw new errors.InvalidClientMetadata((error as Error).message);
        }
        // Registration makes guichets' machine clients, nothing more: no operator's roles, no
        // sign-in of people, no redirect.
        if (registering) {
          if (client.kind !== 'guichet')
            throw new errors.InvalidClientMetadata('registration is for guichet clients only');
          const grants = (metadata as { grant_types?: string[] }).grant_types ?? [];
          if (grants.length !== 1 || grants[0] !== 'client_credentials')
            throw new errors.InvalidClientMetadata('grant_types: client_credentials only');
          if (((metadata as { redirect_uris?: string[] }).redirect_uris ?? []).length > 0)
            throw new errors.InvalidClientMetadata('redirect_uris: none');
          refuseOtherAuthentication(metadata as RegisteredAuthentication);
        }
      },
    },
    scopes: OIDC_SCOPES,
    claims: { openid: ['sub'], profile: ['name'] },
    async findAccount(_ctx, sub) {
      const person = await settings.accounts.find(sub);
      if (!person) return undefined;
      return { accountId: person.login, claims: () => ({ sub: person.login, name: person.name }) };
    },
    interactions: { url: (_ctx, interaction) => interactionPath(interaction.uid) },
    // PKCE for every client, confidential ones included (OAuth 2.1; a stolen code is worthless).
    pkce: { required: () => true },
    // Confidential web client: no rotation, so its parallel refreshes (one per API) never
    // consume each other's token and revoke the grant as a replay.
    rotateRefreshToken: false,
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // The dispatcher registers each guichet's client when the guichet is created, and
      // replaces or deletes it with the registration access token it got (RFC 7591, 7592).
      registration: {
        enabled: settings.registrationToken !== '',
        initialAccessToken: settings.registrationToken || false,
        idFactory: (ctx) => {
          const client = (ctx.oidc.body as { sne_client?: { clientId?: unknown } } | undefined)
            ?.sne_client;
          if (typeof client?.clientId !== 'string')
            throw new errors.InvalidClientMetadata('sne_client.clientId is required');
          return client.clientId;
        },
        issueRegistrationAccessToken: true,
      },
      registrationManagement: {
        enabled: settings.registrationToken !== '',
        rotateRegistrationAccessToken: false,
      },
      rpInitiatedLogout: {
        enabled: true,
        // `form` is the provider's own hidden form (its CSRF token inside); nothing from elsewhere.
        logoutSource(ctx, form) {
          ctx.type = 'html';
          ctx.body = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Déconnexion</title></head><body><main><h1>Se déconnecter du Système national d'enregistrement ?</h1>${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Oui, me déconnecter</button> <button type="submit" form="op.logoutForm">Non</button></main></body></html>`;
        },
        postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Déconnecté</title></head><body><main><h1>Vous êtes déconnecté.</h1></main></body></html>`;
        },
      },
      resourceIndicators: {
        enabled: true,
        // A token names its API: without `resource` there is nothing to ask for.
        defaultResource: () => {
          throw new errors.InvalidTarget('resource is required: urn:sne:api:<app>');
        },
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource) => {
          if (!resources.has(resource)) throw new errors.InvalidTarget(`unknown resource`);
          const machine = ctx.oidc.params?.grant_type === 'client_credentials';
          return {
            scope: 'api',
            audience: resource,
            accessTokenTTL: machine
              ? settings.machineTokenTtlSeconds
              : settings.personTokenTtlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    // The provider's error page in the register's words, with nothing but the error's code.
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Erreur</title></head><body><main><h1>Connexion impossible</h1><p>${html`${String(out.error)}`.markup}</p></main></body></html>`;
    },
    ttl: {
      ClientCredentials: settings.machineTokenTtlSeconds,
      AccessToken: settings.personTokenTtlSeconds,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 8 * 3_600,
      Grant: 8 * 3_600,
      IdToken: settings.personTokenTtlSeconds,
      RefreshToken: 8 * 3_600,
    },
    async extraTokenClaims(ctx, token) {
      if (token.kind === 'ClientCredentials') {
        const client = ctx.oidc.client?.['sne_client'] as MachineClient | undefined;
        if (!client) throw new errors.InvalidClient('not a machine client of the register');
        return claimsOfClient(client);
      }
      const accountId = (token as { accountId?: string }).accountId;
      const person = accountId ? await settings.accounts.find(accountId) : undefined;
      // Removed since signing in: no token of the register's claims, so every API refuses it.
      if (!person) throw new errors.InvalidGrant('the account is no longer known');
      return claimsOfPerson(person);
    },
  });
  provider.proxy = false;
  return provider;
}
