import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type MachineClient, providerMetadataOf } from './machine-clients';
import { redisAdapterFactory } from './redis-adapter';

/**
 * The register of machine clients, in the provider's own storage: what is written here is what
 * the token endpoint reads on its next request, so a revoked client gets no new token, and the
 * ones it holds expire within their lifetime (a minute for machines).
 */
export class ClientStore {
  private readonly clients;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    const Adapter = redisAdapterFactory(redis, prefix);
    this.clients = new Adapter('Client');
  }

  /** Registers or replaces a client; a secret client's secret is returned once, never kept elsewhere. */
  async register(
    client: MachineClient,
    credential: { jwks: { keys: readonly object[] } } | 'secret',
  ): Promise<{ secret?: string }> {
    const secret = credential === 'secret' ? randomBytes(32).toString('base64url') : undefined;
    const metadata = providerMetadataOf(
      client,
      secret ? { secret } : (credential as { jwks: { keys: readonly object[] } }),
    );
    await this.clients.upsert(client.clientId, metadata);
    return secret ? { secret } : {};
  }

  /**
   * Registers or replaces the web client people sign in through (the console): authorization
   * code with PKCE and refresh tokens, its own redirect URIs only. Its secret is returned.
   */
  async registerWebClient(web: {
    clientId: string;
    redirectUris: readonly string[];
    postLogoutRedirectUris: readonly string[];
  }): Promise<{ secret: string }> {
    if (!/^sne-[a-z][a-z-]{1,40}$/.test(web.clientId)) throw new Error('clientId: sne-<app>');
    const secret = randomBytes(32).toString('base64url');
    await this.clients.upsert(web.clientId, {
      client_id: web.clientId,
      client_secret: secret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [...web.redirectUris],
      post_logout_redirect_uris: [...web.postLogoutRedirectUris],
      id_token_signed_response_alg: 'ES256',
    });
    return { secret };
  }

  async revoke(clientId: string): Promise<boolean> {
    const existing = await this.clients.find(clientId);
    await this.clients.destroy(clientId);
    return existing !== undefined;
  }

  async find(clientId: string): Promise<MachineClient | undefined> {
    const metadata = await this.clients.find(clientId);
    return metadata ? (metadata.sne_client as MachineClient) : undefined;
  }

  /** The client's metadata as the provider holds it. */
  async findRaw(
    clientId: string,
  ): Promise<{ client_secret?: string; redirect_uris?: string[] } | undefined> {
    return (await this.clients.find(clientId)) as
      { client_secret?: string; redirect_uris?: string[] } | undefined;
  }

  async list(): Promise<MachineClient[]> {
    const found: MachineClient[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(
        cursor,
        'MATCH',
        `${this.prefix}oidc:Client:*`,
        'COUNT',
        500,
      );
      cursor = next;
      for (const key of keys) {
        const client = await this.find(key.slice(`${this.prefix}oidc:Client:`.length));
        if (client) found.push(client);
      }
    } while (cursor !== '0');
    return found.sort((a, b) => a.clientId.localeCompare(b.clientId));
  }
}
