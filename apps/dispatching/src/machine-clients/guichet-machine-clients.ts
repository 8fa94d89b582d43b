import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { territoryDepartments } from '@sne/matching';
import { MONGO_CONNECTION } from '@sne/persistence';
import { ConflictError, UpstreamError } from '@sne/platform';
import { type Connection, type Model, Schema } from 'mongoose';
import type { Guichet } from '../guichets/guichet';
import type { ClientPublicKey } from './client-keys';

export const MACHINE_CLIENT_SETTINGS = Symbol('MACHINE_CLIENT_SETTINGS');

export interface MachineClientSettings {
  /** The provider's registration endpoint (RFC 7591); empty: no client is made here. */
  readonly registrationUrl: string;
  readonly registrationToken: string;
  /** How often the clients are reconciled with the guichets; 0: never. */
  readonly reconcileSeconds: number;
}

/**
 * What the guichet's software authenticates with at the token endpoint: a secret, shown once, or
 * its own keys (`private_key_jwt`), of which the platform holds only the public half.
 */
export type MachineClientCredentials =
  | {
      readonly clientId: string;
      readonly clientSecret: string;
      readonly tokenEndpointAuthMethod: 'client_secret_basic';
    }
  | {
      readonly clientId: string;
      readonly tokenEndpointAuthMethod: 'private_key_jwt';
      /** Where to ask for tokens, and an audience of the client assertion. */
      readonly tokenEndpoint?: string;
    };

/** A registration kept here, as the reconciliation reads it. */
export interface MachineClientRegistration {
  readonly code: string;
  readonly registeredAt: string;
}

interface RegistrationDocument {
  /** The guichet's code, which is also its client id. */
  _id: string;
  /** Where the client is managed (RFC 7592) and with which token: a secret, never shown. */
  registrationClientUri: string;
  registrationAccessToken: string;
  registeredAt: string;
}

interface RegistrationAnswer {
  client_id: string;
  client_secret?: string;
  registration_client_uri: string;
  registration_access_token: string;
}

const TIMEOUT_MS = 10_000;

/**
 * Each guichet's OAuth 2.0 client at the identity provider, registered and revoked through the
 * provider's registration API (RFC 7591 and 7592) with what the guichet is: its code as client
 * id, its type and territory fixed in the client, so its tokens can claim nothing else.
 */
@Injectable()
export class GuichetMachineClients implements OnModuleInit {
  private readonly registrations: Model<RegistrationDocument>;
  /** The token endpoint, once read from the provider's discovery ('' when it is not there). */
  private discovered: string | undefined;

  constructor(
    @Inject(MONGO_CONNECTION) connection: Connection,
    @Inject(MACHINE_CLIENT_SETTINGS) private readonly settings: MachineClientSettings,
  ) {
    this.registrations = connection.model<RegistrationDocument>(
      'GuichetMachineClient',
      new Schema<RegistrationDocument>(
        {
          _id: String,
          registrationClientUri: String,
          registrationAccessToken: String,
          registeredAt: String,
        },
        { versionKey: false },
      ),
      'guichet_machine_clients',
    );
  }

  async onModuleInit(): Promise<void> {
    await this.registrations.init();
  }

  get enabled(): boolean {
    return this.settings.registrationUrl !== '';
  }

  /**
   * Registers the guichet's client, or replaces the one it had (a new secret or new keys: the old
   * ones stop working at once, their tokens within their minute). With keys, no secret at all.
   */
  async register(
    guichet: Guichet,
    now: Date,
    jwks?: { readonly keys: readonly ClientPublicKey[] },
  ): Promise<MachineClientCredentials> {
    if (!this.enabled)
      throw new ConflictError('machine clients are registered by hand on this platform');
    await this.revoke(guichet.code);
    const answer = await this.call<RegistrationAnswer>(this.settings.registrationUrl, 'POST', {
      authorization: `Bearer ${this.settings.registrationToken}`,
      body: {
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        ...(jwks
          ? {
              token_endpoint_auth_method: 'private_key_jwt',
              token_endpoint_auth_signing_alg: 'ES256',
              jwks,
            }
          : { token_endpoint_auth_method: 'client_secret_basic' }),
        id_token_signed_response_alg: 'ES256',
        sne_client: {
          kind: 'guichet',
          clientId: guichet.code,
          guichetType: guichet.type,
          territory: territoryDepartments(guichet.territory) ?? 'all',
        },
      },
    });
    await this.registrations.replaceOne(
      { _id: guichet.code },
      {
        _id: guichet.code,
        registrationClientUri: answer.registration_client_uri,
        registrationAccessToken: answer.registration_access_token,
        registeredAt: now.toISOString(),
      },
      { upsert: true },
    );
    if (jwks) {
      const tokenEndpoint = await this.tokenEndpoint();
      return {
        clientId: answer.client_id,
        tokenEndpointAuthMethod: 'private_key_jwt',
        ...(tokenEndpoint ? { tokenEndpoint } : {}),
      };
    }
    if (!answer.client_secret) throw new UpstreamError('the identity provider gave no secret');
    return {
      clientId: answer.client_id,
      clientSecret: answer.client_secret,
      tokenEndpointAuthMethod: 'client_secret_basic',
    };
  }

  /** The clients registered from here, by guichet code. */
  async list(): Promise<MachineClientRegistration[]> {
    const documents = await this.registrations
      .find({}, { _id: 1, registeredAt: 1 })
      .sort({ _id: 1 })
      .lean<Pick<RegistrationDocument, '_id' | 'registeredAt'>[]>();
    return documents.map((document) => ({
      code: document._id,
      registeredAt: document.registeredAt,
    }));
  }

  /**
   * The provider's token endpoint, from its discovery document beside the registration endpoint;
   * undefined when that document does not name this registration endpoint (another layout).
   */
  private async tokenEndpoint(): Promise<string | undefined> {
    if (this.discovered === undefined) {
      const issuer = this.settings.registrationUrl.replace(/\/reg$/, '');
      try {
        const response = await fetch(`${issuer}/.well-known/openid-configuration`, {
          redirect: 'error',
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        // Not kept: a provider briefly failing is asked again next time.
        if (!response.ok) return undefined;
        const metadata = (await response.json()) as {
          registration_endpoint?: unknown;
          token_endpoint?: unknown;
        };
        this.discovered =
          metadata.registration_endpoint === this.settings.registrationUrl &&
          typeof metadata.token_endpoint === 'string'
            ? metadata.token_endpoint
            : '';
      } catch {
        return undefined;
      }
    }
    return this.discovered || undefined;
  }

  /** Deletes the guichet's client at the provider; true if there was one. */
  async revoke(code: string): Promise<boolean> {
    const registration = await this.registrations.findById(code).lean<RegistrationDocument>();
    if (!registration) return false;
    await this.call(registration.registrationClientUri, 'DELETE', {
      authorization: `Bearer ${registration.registrationAccessToken}`,
      // Deleted at the provider by someone else already: nothing left to revoke there.
      acceptStatuses: [401, 404],
    });
    await this.registrations.deleteOne({ _id: code });
    return true;
  }

  private async call<T>(
    url: string,
    method: 'POST' | 'DELETE',
    options: { authorization: string; body?: unknown; acceptStatuses?: number[] },
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        redirect: 'error',
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: {
          authorization: options.authorization,
          ...(options.body ? { 'content-type': 'application/json' } : {}),
        },
        ...(options.body ? { body: JSON.stringify(options.body) } : {}),
      });
    } catch (error) {
      throw new UpstreamError(`the identity provider is unreachable: ${(error as Error).message}`);
    }
    if (response.ok) return (response.status === 204 ? {} : await response.json()) as T;
    if (options.acceptStatuses?.includes(response.status)) return {} as T;
    const detail = await response.text();
    throw new UpstreamError(
      `the identity provider refused the client (${response.status}): ${detail.slice(0, 300)}`,
    );
  }
}
