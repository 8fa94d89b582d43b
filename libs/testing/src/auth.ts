import { issueToken, type OperatorRole, type Principal } from '@sne/auth';

/** The token secret of the apps started by tests (appEnv sets it). */
export const TEST_AUTH_SECRET = 'sne-test-token-secret-of-thirty-two-characters-or-more';

export function testToken(principal: Principal): string {
  return issueToken(principal, TEST_AUTH_SECRET, { now: new Date(), ttlSeconds: 3_600 });
}

/** `Authorization` header of an operator (national admin unless other roles are given). */
export function operatorAuth(
  id = 'operator.test',
  roles: OperatorRole[] = ['national-admin'],
): { authorization: string } {
  return {
    authorization: `Bearer ${testToken({ kind: 'operator', id, roles, territory: 'all' })}`,
  };
}

/** `Authorization` header of a guichet's software. */
export function guichetAuth(
  code: string,
  departments: string[] = [],
  guichetType = 'landlord',
  siren?: string,
): { authorization: string } {
  return {
    authorization: `Bearer ${testToken({
      kind: 'guichet',
      id: code,
      guichetType,
      territory: departments,
      ...(siren ? { siren } : {}),
    })}`,
  };
}

/** `Authorization` header of an applicant signed in on the portal. */
export function applicantAuth(id: string, email: string): { authorization: string } {
  return {
    authorization: `Bearer ${issueToken({ kind: 'applicant', id, email }, TEST_AUTH_SECRET, { now: new Date(), ttlSeconds: 3_600 })}`,
  };
}
