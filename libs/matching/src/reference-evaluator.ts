import { isScalar, resolvePath, splitPath } from './document';
import {
  isAll,
  isAny,
  isNot,
  type MatchDocument,
  type Predicate,
  type RangeBounds,
  type Rule,
  type Scalar,
} from './rule';

/**
 * The rules' meaning, written as plainly as possible: the compiled matcher must agree with it on
 * every rule and document (property tests), and `explain` is built on it.
 */
export function evaluate(rule: Rule, document: MatchDocument): boolean {
  if (isAll(rule)) return rule.all.every((child) => evaluate(child, document));
  if (isAny(rule)) return rule.any.some((child) => evaluate(child, document));
  if (isNot(rule)) return !evaluate(rule.not, document);
  return evaluatePredicate(rule, resolvePath(document, splitPath(rule.field)));
}

export function evaluatePredicate(predicate: Predicate, values: readonly unknown[]): boolean {
  if ('equals' in predicate) return values.some((value) => sameScalar(value, predicate.equals));
  if ('anyOf' in predicate)
    return values.some((value) => predicate.anyOf.some((wanted) => sameScalar(value, wanted)));
  if ('prefix' in predicate)
    return values.some((value) => typeof value === 'string' && value.startsWith(predicate.prefix));
  if ('range' in predicate)
    return values.some((value) => typeof value === 'number' && inRange(value, predicate.range));
  if ('exists' in predicate) return predicate.exists === values.length > 0;
  if ('anythingBut' in predicate) {
    return (
      values.length > 0 &&
      !values.some((value) => predicate.anythingBut.some((excluded) => sameScalar(value, excluded)))
    );
  }
  const inner = predicate.anyElement;
  return values.some(
    (element) =>
      element !== null && typeof element === 'object' && evaluate(inner, element as MatchDocument),
  );
}

function sameScalar(value: unknown, wanted: Scalar): boolean {
  return isScalar(value) && value === wanted;
}

export function inRange(value: number, range: RangeBounds): boolean {
  return (
    (range.gt === undefined || value > range.gt) &&
    (range.gte === undefined || value >= range.gte) &&
    (range.lt === undefined || value < range.lt) &&
    (range.lte === undefined || value <= range.lte)
  );
}
