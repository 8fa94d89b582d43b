import { DEMAND_FIELDS, type Rule, validateRule } from '@sne/matching';
import { type InputIssue, InvalidInputError } from '@sne/platform';

/** An issue about the rule, pointed at from the request body (`/rule/...`). */
export const underRule = (issue: InputIssue): InputIssue => ({
  ...issue,
  path: `/rule${issue.path === '/' ? '' : issue.path}`,
});

/** The rule of a subscription body, checked field by field; refused with every problem. */
export function subscriptionRule(input: unknown): Rule {
  const validation = validateRule(input, DEMAND_FIELDS);
  if (!validation.ok)
    throw new InvalidInputError('the rule is invalid', validation.issues.map(underRule));
  return validation.rule;
}
