import { type PipeTransform } from '@nestjs/common';
import { InvalidInputError, JsonBodyPipe } from '@sne/platform';

/** A public EC P-256 key of the guichet's software (RFC 7517), which signs its client assertions. */
export interface ClientPublicKey {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly alg?: 'ES256';
  readonly use?: 'sig';
}

export interface ClientCredentialsRequest {
  /** Present: the client authenticates by `private_key_jwt` with these keys, and has no secret. */
  readonly jwks?: { readonly keys: readonly ClientPublicKey[] };
}

/** Base64url of 32 bytes: 43 characters, the last one carrying 2 zero bits. */
const COORDINATE = '^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$';

/** Members that only a private key has (RFC 7518 §6.2.2, §6.3.2, §6.4). */
const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

export const clientCredentialsSchema = {
  $id: 'client-credentials',
  type: 'object',
  additionalProperties: false,
  properties: {
    jwks: {
      type: 'object',
      required: ['keys'],
      additionalProperties: false,
      description:
        "The public keys of the guichet's software (1 to 3, for rotation): its client then authenticates by private_key_jwt (ES256) and has no secret",
      properties: {
        keys: {
          type: 'array',
          minItems: 1,
          maxItems: 3,
          items: {
            type: 'object',
            required: ['kty', 'crv', 'x', 'y', 'kid'],
            additionalProperties: false,
            properties: {
              kty: { const: 'EC' },
              crv: { const: 'P-256' },
              x: { type: 'string', pattern: COORDINATE },
              y: { type: 'string', pattern: COORDINATE },
              kid: { type: 'string', minLength: 1, maxLength: 64 },
              alg: { const: 'ES256' },
              use: { const: 'sig' },
            },
          },
        },
      },
    },
  },
} as const;

/** What OpenAPI shows as the body's example. */
export const CLIENT_CREDENTIALS_EXAMPLE = {
  jwks: {
    keys: [
      {
        kty: 'EC',
        crv: 'P-256',
        x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
        y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
        kid: 'guichet-2026-12',
        alg: 'ES256',
        use: 'sig',
      },
    ],
  },
};

/**
 * The credentials route's body: none or `{}` keeps a secret; a JWKS is checked whole by the
 * schema, a private member named as such (a key that leaked here must be replaced).
 */
export class ClientCredentialsPipe implements PipeTransform<unknown, ClientCredentialsRequest> {
  private readonly body = new JsonBodyPipe<ClientCredentialsRequest>(clientCredentialsSchema);

  transform(value: unknown): ClientCredentialsRequest {
    let request: ClientCredentialsRequest;
    try {
      request = this.body.transform(value ?? {});
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      throw new InvalidInputError(
        error.message,
        error.issues.map((issue) => {
          const member = /^\/jwks\/keys\/\d+\/([^/]+)$/.exec(issue.path)?.[1];
          return member && PRIVATE_MEMBERS.has(member)
            ? {
                ...issue,
                message: `a private key member: send the public key only, and replace this key`,
              }
            : issue;
        }),
      );
    }
    const kids = request.jwks?.keys.map((key) => key.kid) ?? [];
    const repeated = kids.findIndex((kid, index) => kids.indexOf(kid) !== index);
    if (repeated >= 0)
      throw new InvalidInputError('the request body is invalid', [
        {
          path: `/jwks/keys/${repeated}/kid`,
          message: 'a kid of another key: each key its own kid',
        },
      ]);
    return request;
  }
}
