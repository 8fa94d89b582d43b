import type { OperatorRole, Principal, Territory } from '@sne/auth';
import { accountDecision } from './account-policy';

const operator = (id: string, roles: OperatorRole[], territory: Territory): Principal => ({
  kind: 'operator',
  id,
  roles,
  territory,
});
const admin = operator('admin.national', ['national-admin'], 'all');
const metz = operator('manager.metz', ['territorial-manager'], ['057', '054']);
const consultant = operator('consultant.metz', ['consultant-sensible'], ['057']);
const guichet: Principal = {
  kind: 'guichet',
  id: '10691',
  guichetType: 'landlord',
  territory: ['057'],
};

const account = (roles: OperatorRole[], territory: Territory, login = 'agent.x') => ({
  login,
  roles,
  territory,
});

describe(accountDecision.name, () => {
  it.each([
    ['a national admin, a national admin', admin, account(['national-admin'], 'all'), 'change', []],
    ['a national admin, a manager', admin, account(['territorial-manager'], ['075']), 'change', []],
    [
      'a manager, a consultant of its department',
      metz,
      account(['consultant-simple'], ['057']),
      'change',
      [],
    ],
    [
      'a manager, a consultant of two of its departments',
      metz,
      account(['consultant-demande', 'consultant-sensible'], ['057', '054']),
      'change',
      [],
    ],
    [
      'a manager, reading a consultant of its department',
      metz,
      account(['consultant-simple'], ['054']),
      'read',
      [],
    ],
    [
      'a manager, a consultant of 075',
      metz,
      account(['consultant-simple'], ['057', '075']),
      'change',
      ['/territory/1'],
    ],
    [
      'a manager, reading a consultant of 075',
      metz,
      account(['consultant-simple'], ['075']),
      'read',
      ['/territory/0'],
    ],
    [
      'a manager, a manager',
      metz,
      account(['territorial-manager'], ['057']),
      'change',
      ['/roles/0'],
    ],
    [
      'a manager, a national admin',
      metz,
      account(['national-admin', 'consultant-simple'], ['057']),
      'change',
      ['/roles/0'],
    ],
    [
      'a manager, a national consultant',
      metz,
      account(['consultant-simple'], 'all'),
      'change',
      ['/territory'],
    ],
    [
      'a national admin, its own account',
      admin,
      account(['national-admin'], 'all', 'admin.national'),
      'change',
      ['/login'],
    ],
  ] as const)('%s', (_label, caller, target, intent, paths) => {
    const decision = accountDecision(caller, target, intent);
    if (paths.length === 0) expect(decision).toEqual({ allowed: true });
    else
      expect(decision.allowed === false && decision.issues.map((issue) => issue.path)).toEqual(
        paths,
      );
  });

  it('refuses consultants and guichets, reading included', () => {
    for (const caller of [consultant, guichet])
      for (const intent of ['read', 'change'] as const)
        expect(
          accountDecision(caller, account(['consultant-simple'], ['057']), intent).allowed,
        ).toBe(false);
  });
});
