import type { OperatorRole, Principal, Territory } from '@sne/auth';
import type { InputIssue } from '@sne/platform';

/** What bounds an account, for the policy: its roles and territory. */
export interface AccountScope {
  readonly login: string;
  readonly roles: readonly OperatorRole[];
  readonly territory: Territory;
}

export type AccountDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: string; readonly issues: readonly InputIssue[] };

const ALLOWED: AccountDecision = { allowed: true };
const refused = (reason: string, issues: InputIssue[] = []): AccountDecision => ({
  allowed: false,
  reason,
  issues,
});

/**
 * Who may read, open, change or close an account (docs/runbooks/proconnect.md): a national admin
 * any account; a territorial manager only consultants' accounts whose territory is a non-empty
 * list of the manager's own departments, so a manager never grants more than they have; nobody
 * else. Nobody changes their own account (no self-promotion, no locking oneself out).
 */
export function accountDecision(
  caller: Principal,
  account: AccountScope,
  intent: 'read' | 'change',
): AccountDecision {
  if (caller.kind !== 'operator') return refused('accounts are administered by operators');
  if (intent === 'change' && caller.id === account.login)
    return refused('your own account is changed by another administrator', [
      { path: '/login', message: `${account.login} is your own account` },
    ]);
  if (caller.roles.includes('national-admin')) return ALLOWED;
  if (!caller.roles.includes('territorial-manager'))
    return refused('accounts are administered by national admins and territorial managers');
  const issues: InputIssue[] = [];
  account.roles.forEach((role, index) => {
    if (!role.startsWith('consultant-'))
      issues.push({
        path: `/roles/${index}`,
        message: `${role}: a territorial manager grants consultant roles only`,
      });
  });
  if (account.territory === 'all')
    issues.push({
      path: '/territory',
      message: 'all: a territorial manager grants departments only',
    });
  else if (caller.territory !== 'all')
    account.territory.forEach((department, index) => {
      if (!caller.territory.includes(department))
        issues.push({
          path: `/territory/${index}`,
          message: `${department} is outside your territory`,
        });
    });
  return issues.length === 0
    ? ALLOWED
    : refused('the account is outside what you administer', issues);
}
