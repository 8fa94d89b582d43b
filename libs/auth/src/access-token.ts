import { DEPARTMENT_CODE, GUICHET_CODE } from '@sne/contracts';
import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { type Caller, OPERATOR_ROLES, type OperatorRole, type Territory } from './principal';

/**
 * Access tokens are JWTs of RFC 9068, signed by the identity provider with an asymmetric key and
 * verified against its JWKS. The register's own claims are `sne_*`; docs/security.md lists them.
 */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** Asymmetric only: `none` and HMAC can never verify, whatever a token's header says. */
export const ACCESS_TOKEN_ALGORITHMS = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'];
const MAX_TOKEN_LENGTH = 8_192;

/** The `aud` of each API: a token for one app is refused by the others. */
export const apiAudience = (app: string): string => `urn:sne:api:${app}`;

/** The register's claims of a caller, beside the registered ones (iss, sub, aud, exp, iat, jti). */
export interface RegisterClaims {
  readonly sne_kind: Caller['kind'];
  readonly sne_roles?: readonly OperatorRole[];
  readonly sne_territory?: Territory;
  readonly sne_guichet_type?: string;
  readonly sne_siren?: string;
  readonly email?: string;
}

export function claimsOf(caller: Caller): RegisterClaims {
  switch (caller.kind) {
    case 'operator':
      return { sne_kind: 'operator', sne_roles: caller.roles, sne_territory: caller.territory };
    case 'guichet':
      return {
        sne_kind: 'guichet',
        sne_guichet_type: caller.guichetType,
        sne_territory: caller.territory,
        ...(caller.siren ? { sne_siren: caller.siren } : {}),
      };
    case 'applicant':
      return { sne_kind: 'applicant', email: caller.email };
  }
}

export type TokenCheck = { ok: true; principal: Caller } | { ok: false; reason: string };

/** A portal account id, and an address as the portal verified it (lower case, no spaces). */
const ACCOUNT_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const EMAIL = /^[^\s@A-Z]{1,64}@[^\s@A-Z]{1,189}$/;
const OPERATOR_ID = /^[A-Za-z0-9._:@-]{1,128}$/;
const GUICHET_TYPE = /^[a-z-]{1,32}$/;
const SIREN = /^[0-9]{9}$/;

/** 'all' is a national mandate, written as such; a list must name at least one department. */
const isTerritory = (value: unknown): value is Territory =>
  value === 'all' ||
  (Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => typeof item === 'string' && DEPARTMENT_CODE.test(item)));

const refused = (reason: string): TokenCheck => ({ ok: false, reason });

/** The caller named by verified claims, or why they name nobody the register knows. */
export function callerOf(claims: JWTPayload): TokenCheck {
  const sub = claims.sub;
  if (typeof sub !== 'string') return refused('no subject');
  switch (claims.sne_kind) {
    case 'applicant': {
      const email = claims.email;
      if (!ACCOUNT_ID.test(sub) || typeof email !== 'string' || !EMAIL.test(email))
        return refused('incomplete applicant claims');
      return { ok: true, principal: { kind: 'applicant', id: sub, email } };
    }
    case 'operator': {
      const roles: unknown = claims.sne_roles;
      const known: readonly unknown[] = OPERATOR_ROLES;
      if (!OPERATOR_ID.test(sub)) return refused('malformed subject');
      if (!Array.isArray(roles) || roles.length === 0) return refused('no role');
      if (!roles.every((role: unknown) => known.includes(role))) return refused('unknown role');
      if (!isTerritory(claims.sne_territory)) return refused('no territory');
      return {
        ok: true,
        principal: {
          kind: 'operator',
          id: sub,
          roles: roles as OperatorRole[],
          territory: claims.sne_territory,
        },
      };
    }
    case 'guichet': {
      const type = claims.sne_guichet_type;
      const siren = claims.sne_siren;
      if (!GUICHET_CODE.test(sub)) return refused('malformed guichet code');
      if (!isTerritory(claims.sne_territory)) return refused('no territory');
      if (typeof type !== 'string' || !GUICHET_TYPE.test(type)) return refused('no guichet type');
      if (siren !== undefined && (typeof siren !== 'string' || !SIREN.test(siren)))
        return refused('malformed siren');
      return {
        ok: true,
        principal: {
          kind: 'guichet',
          id: sub,
          guichetType: type,
          territory: claims.sne_territory,
          ...(siren ? { siren } : {}),
        },
      };
    }
    default:
      return refused('unknown principal kind');
  }
}

export interface AccessTokenSettings {
  /** The issuers trusted, each signing with a key of `keys` (one in production). */
  readonly issuers: readonly string[];
  readonly audience: string;
  readonly keys: JWTVerifyGetKey;
  /** A token living longer than this is refused, whatever its own `exp` says. */
  readonly maxLifetimeSeconds: number;
  readonly clockToleranceSeconds: number;
}

/** Verifies access tokens of one API; `now` comes from the app's Clock. */
export class AccessTokenVerifier {
  constructor(private readonly settings: AccessTokenSettings) {}

  async verify(token: string, now: Date): Promise<TokenCheck> {
    if (token.length > MAX_TOKEN_LENGTH) return refused('token too long');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.settings.keys, {
        issuer: [...this.settings.issuers],
        audience: this.settings.audience,
        algorithms: ACCESS_TOKEN_ALGORITHMS,
        typ: ACCESS_TOKEN_TYPE,
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'],
        clockTolerance: this.settings.clockToleranceSeconds,
        currentDate: now,
      }));
    } catch (error) {
      return refused(reasonOf(error));
    }
    const lifetime = (payload.exp ?? 0) - (payload.iat ?? 0);
    if (lifetime <= 0 || lifetime > this.settings.maxLifetimeSeconds)
      return refused(`lifetime over ${this.settings.maxLifetimeSeconds} s`);
    if ((payload.iat ?? 0) > now.getTime() / 1000 + this.settings.clockToleranceSeconds)
      return refused('issued in the future');
    return callerOf(payload);
  }
}

/** What a caller is told: the kind of failure, never the library's details. */
function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `claim ${error.claim} refused`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (error instanceof errors.JWKSNoMatchingKey) return 'unknown signing key';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (error instanceof errors.JWKSTimeout) return 'signing keys unavailable';
  return 'not a valid JWT';
}
