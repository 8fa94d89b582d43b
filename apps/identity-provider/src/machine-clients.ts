import { DEPARTMENT_CODE, GUICHET_CODE } from '@sne/contracts';
import { OPERATOR_ROLES, type OperatorRole, type Territory } from '@sne/auth';

/**
 * Machine clients of OAuth 2.0 client credentials: one per guichet's software (its client id is
 * the guichet's code, so the tokens' `sub` is the guichet), and the platform's own services. What
 * a client may act as is fixed here, at registration; nothing in a token request widens it.
 */
export type MachineClient =
  | {
      readonly kind: 'guichet';
      readonly clientId: string;
      readonly guichetType: string;
      readonly territory: Territory;
      readonly siren?: string;
    }
  | {
      readonly kind: 'operator';
      readonly clientId: string;
      readonly roles: readonly OperatorRole[];
      readonly territory: Territory;
    };

/** The claims a client's access tokens carry (libs/auth reads them back with `callerOf`). */
export function claimsOfClient(client: MachineClient): Record<string, unknown> {
  return client.kind === 'guichet'
    ? {
        sne_kind: 'guichet',
        sne_guichet_type: client.guichetType,
        sne_territory: client.territory,
        ...(client.siren ? { sne_siren: client.siren } : {}),
      }
    : { sne_kind: 'operator', sne_roles: client.roles, sne_territory: client.territory };
}

export class ClientRegistrationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid client: ${problems.join('; ')}`);
  }
}

const SERVICE_CLIENT_ID = /^sne-[a-z][a-z-]{1,40}$/;
const GUICHET_TYPE = /^[a-z-]{1,32}$/;

/** A registration as given (a file, a command line), checked whole: every problem at once. */
export function parseMachineClient(input: unknown): MachineClient {
  const problems: string[] = [];
  const value = (input ?? {}) as Record<string, unknown>;
  const territory = value.territory;
  const territoryOk =
    territory === 'all' ||
    (Array.isArray(territory) &&
      territory.length > 0 &&
      territory.every((item) => typeof item === 'string' && DEPARTMENT_CODE.test(item)));
  if (!territoryOk) problems.push("territory: 'all' or a non-empty list of department codes");
  if (value.kind === 'guichet') {
    if (typeof value.clientId !== 'string' || !GUICHET_CODE.test(value.clientId))
      problems.push('clientId: the guichet code (5 characters, 0-9 A-Z)');
    if (typeof value.guichetType !== 'string' || !GUICHET_TYPE.test(value.guichetType))
      problems.push('guichetType: lower-case letters and hyphens');
    if (
      value.siren !== undefined &&
      (typeof value.siren !== 'string' || !/^[0-9]{9}$/.test(value.siren))
    )
      problems.push('siren: nine digits');
    if (problems.length > 0) throw new ClientRegistrationError(problems);
    return {
      kind: 'guichet',
      clientId: value.clientId as string,
      guichetType: value.guichetType as string,
      territory: territory as Territory,
      ...(typeof value.siren === 'string' ? { siren: value.siren } : {}),
    };
  }
  if (value.kind === 'operator') {
    const roles = value.roles;
    if (typeof value.clientId !== 'string' || !SERVICE_CLIENT_ID.test(value.clientId))
      problems.push('clientId: sne-<service>');
    if (
      !Array.isArray(roles) ||
      roles.length === 0 ||
      !roles.every((role) => (OPERATOR_ROLES as readonly unknown[]).includes(role))
    )
      problems.push(`roles: one or more of ${OPERATOR_ROLES.join(', ')}`);
    if (problems.length > 0) throw new ClientRegistrationError(problems);
    return {
      kind: 'operator',
      clientId: value.clientId as string,
      roles: roles as OperatorRole[],
      territory: territory as Territory,
    };
  }
  throw new ClientRegistrationError(["kind: 'guichet' or 'operator'", ...problems]);
}

/**
 * The client's metadata as oidc-provider keeps it: client credentials only (no redirect, no user
 * grant), authenticated by its secret or, better, by a JWT signed with its own key.
 */
export function providerMetadataOf(
  client: MachineClient,
  credential: { secret: string } | { jwks: { keys: readonly object[] } },
): Record<string, unknown> {
  return {
    client_id: client.clientId,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    id_token_signed_response_alg: 'ES256',
    ...('secret' in credential
      ? { client_secret: credential.secret, token_endpoint_auth_method: 'client_secret_basic' }
      : {
          jwks: credential.jwks,
          token_endpoint_auth_method: 'private_key_jwt',
          token_endpoint_auth_signing_alg: 'ES256',
        }),
    sne_client: client,
  };
}
