import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Caller, OPERATOR_ROLES, type OperatorRole, type Territory } from './principal';

/**
 * Bearer tokens: `sne1.<claims>.<signature>`, the claims base64url JSON, the signature
 * HMAC-SHA256 of `sne1.<claims>` with the platform's secret. One fixed algorithm, so there is no
 * header to trust; several secrets verify (rotation), the first one signs.
 */
const PREFIX = 'sne1';
const MAX_TOKEN_LENGTH = 4_096;

interface Claims {
  readonly sub: string;
  readonly kind: Caller['kind'];
  readonly roles?: readonly OperatorRole[];
  readonly guichetType?: string;
  readonly siren?: string;
  readonly email?: string;
  /** Absent for an applicant. */
  readonly territory?: Territory;
  /** Seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
}

const sign = (body: string, secret: string) =>
  createHmac('sha256', secret).update(body).digest('base64url');

function claimsOf(principal: Caller): Omit<Claims, 'iat' | 'exp'> {
  const base = { sub: principal.id, kind: principal.kind };
  switch (principal.kind) {
    case 'operator':
      return { ...base, roles: principal.roles, territory: principal.territory };
    case 'guichet':
      return {
        ...base,
        guichetType: principal.guichetType,
        ...(principal.siren ? { siren: principal.siren } : {}),
        territory: principal.territory,
      };
    case 'applicant':
      return { ...base, email: principal.email };
  }
}

export function issueToken(
  principal: Caller,
  secret: string,
  options: { now: Date; ttlSeconds: number },
): string {
  const iat = Math.floor(options.now.getTime() / 1000);
  const claims: Claims = {
    ...claimsOf(principal),
    iat,
    exp: iat + options.ttlSeconds,
  };
  const body = `${PREFIX}.${Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')}`;
  return `${body}.${sign(body, secret)}`;
}

export type TokenCheck = { ok: true; principal: Caller } | { ok: false; reason: string };

/** A portal account id, and an address as the portal verified it (lower case, no spaces). */
const ACCOUNT_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const EMAIL = /^[^\s@A-Z]{1,64}@[^\s@A-Z]{1,189}$/;

const isTerritory = (value: unknown): value is Territory =>
  value === 'all' ||
  (Array.isArray(value) &&
    value.every((item) => typeof item === 'string' && /^[0-9]{2}[0-9AB]$/.test(item)));

export function verifyToken(token: string, secrets: readonly string[], now: Date): TokenCheck {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'token too long' };
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX)
    return { ok: false, reason: 'not a platform token' };
  const body = `${parts[0]}.${parts[1]}`;
  const given = Buffer.from(parts[2], 'base64url');
  const verified = secrets.some((secret) => {
    const expected = Buffer.from(sign(body, secret), 'base64url');
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!verified) return { ok: false, reason: 'bad signature' };
  let claims: Partial<Claims>;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Partial<Claims>;
  } catch {
    return { ok: false, reason: 'unreadable claims' };
  }
  const seconds = Math.floor(now.getTime() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= seconds)
    return { ok: false, reason: 'expired' };
  if (typeof claims.sub !== 'string' || !claims.sub)
    return { ok: false, reason: 'incomplete claims' };
  if (claims.kind === 'applicant') {
    if (
      !ACCOUNT_ID.test(claims.sub) ||
      typeof claims.email !== 'string' ||
      !EMAIL.test(claims.email)
    )
      return { ok: false, reason: 'incomplete claims' };
    return { ok: true, principal: { kind: 'applicant', id: claims.sub, email: claims.email } };
  }
  if (!isTerritory(claims.territory)) return { ok: false, reason: 'incomplete claims' };
  if (claims.kind === 'operator') {
    const roles: unknown = claims.roles;
    const known: readonly unknown[] = OPERATOR_ROLES;
    if (!Array.isArray(roles) || !roles.every((role: unknown) => known.includes(role)))
      return { ok: false, reason: 'unknown role' };
    return {
      ok: true,
      principal: {
        kind: 'operator',
        id: claims.sub,
        roles: roles as OperatorRole[],
        territory: claims.territory,
      },
    };
  }
  if (claims.kind === 'guichet' && /^[0-9A-Z]{5}$/.test(claims.sub)) {
    return {
      ok: true,
      principal: {
        kind: 'guichet',
        id: claims.sub,
        guichetType: typeof claims.guichetType === 'string' ? claims.guichetType : 'other',
        territory: claims.territory,
        ...(typeof claims.siren === 'string' && /^[0-9]{9}$/.test(claims.siren)
          ? { siren: claims.siren }
          : {}),
      },
    };
  }
  return { ok: false, reason: 'unknown principal kind' };
}
