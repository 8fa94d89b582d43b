import type { ApplicantPrincipal, GuichetPrincipal, OperatorPrincipal } from './principal';
import { issueToken, verifyToken } from './token';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const OTHER = 'another-secret-of-at-least-thirty-two-chars';
const now = new Date('2026-11-22T10:00:00Z');
const operator: OperatorPrincipal = {
  kind: 'operator',
  id: 'alice',
  roles: ['territorial-manager'],
  territory: ['057'],
};
const guichet: GuichetPrincipal = {
  kind: 'guichet',
  id: '57463',
  guichetType: 'municipality',
  territory: ['057'],
};

const applicant: ApplicantPrincipal = {
  kind: 'applicant',
  id: 'portal-account-42',
  email: 'camille@example.org',
};

describe(verifyToken.name, () => {
  it("gives back an applicant's account and verified email, and refuses one without them", () => {
    const token = issueToken(applicant, SECRET, { now, ttlSeconds: 60 });
    expect(verifyToken(token, [SECRET], now)).toEqual({ ok: true, principal: applicant });
    for (const email of ['Camille@Example.org', 'no-at-sign', '']) {
      const bad = issueToken({ ...applicant, email }, SECRET, { now, ttlSeconds: 60 });
      expect(verifyToken(bad, [SECRET], now)).toEqual({ ok: false, reason: 'incomplete claims' });
    }
  });

  it('gives back the principal a token was issued for', () => {
    for (const principal of [operator, guichet]) {
      const token = issueToken(principal, SECRET, { now, ttlSeconds: 60 });
      expect(verifyToken(token, [SECRET], now)).toEqual({ ok: true, principal });
    }
  });

  it('accepts a token signed with a previous secret during a rotation', () => {
    const token = issueToken(operator, OTHER, { now, ttlSeconds: 60 });
    expect(verifyToken(token, [SECRET, OTHER], now).ok).toBe(true);
    expect(verifyToken(token, [SECRET], now)).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('refuses an expired token', () => {
    const token = issueToken(operator, SECRET, { now, ttlSeconds: 60 });
    expect(verifyToken(token, [SECRET], new Date(now.getTime() + 60_000))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses claims changed after signing (a role added, another guichet)', () => {
    const token = issueToken(guichet, SECRET, { now, ttlSeconds: 60 });
    const [prefix, , signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ sub: '75056', kind: 'guichet', territory: 'all', iat: 0, exp: 9e9 }),
    ).toString('base64url');
    expect(verifyToken(`${prefix}.${forged}.${signature}`, [SECRET], now)).toEqual({
      ok: false,
      reason: 'bad signature',
    });
  });

  it('refuses what is not a platform token, and unknown roles even when signed', () => {
    expect(verifyToken('eyJhbGciOiJub25lIn0.e30.', [SECRET], now).ok).toBe(false);
    expect(verifyToken('x'.repeat(5_000), [SECRET], now)).toEqual({
      ok: false,
      reason: 'token too long',
    });
    const badRole = issueToken({ ...operator, roles: ['superuser' as never] }, SECRET, {
      now,
      ttlSeconds: 60,
    });
    expect(verifyToken(badRole, [SECRET], now)).toEqual({ ok: false, reason: 'unknown role' });
    const badGuichet = issueToken({ ...guichet, id: 'not-a-code' }, SECRET, {
      now,
      ttlSeconds: 60,
    });
    expect(verifyToken(badGuichet, [SECRET], now).ok).toBe(false);
  });
});
