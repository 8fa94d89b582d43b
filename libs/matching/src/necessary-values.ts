import { isAll, isAny, isNot, type Rule, type Scalar } from './rule';

/**
 * The values a field must take for the rule to hold, when the rule pins them (`equals`/`anyOf` on
 * the field, under `all`, or in every alternative of `any`); undefined when it does not. Lets a
 * store be narrowed before the rule runs, e.g. a dry run read only the departments a rule names.
 */
export function necessaryValues(rule: Rule, field: string): ReadonlySet<Scalar> | undefined {
  if (isAll(rule)) {
    let pinned: Set<Scalar> | undefined;
    for (const child of rule.all) {
      const values = necessaryValues(child, field);
      if (!values) continue;
      pinned = pinned ? new Set([...pinned].filter((value) => values.has(value))) : new Set(values);
    }
    return pinned;
  }
  if (isAny(rule)) {
    const union = new Set<Scalar>();
    for (const child of rule.any) {
      const values = necessaryValues(child, field);
      if (!values) return undefined;
      for (const value of values) union.add(value);
    }
    return union;
  }
  if (isNot(rule)) return isNot(rule.not) ? necessaryValues(rule.not.not, field) : undefined;
  if (rule.field !== field) return undefined;
  if ('equals' in rule) return new Set([rule.equals]);
  if ('anyOf' in rule) return new Set(rule.anyOf);
  return undefined;
}
