/**
 * The guichet filter language. A rule is data (JSON), written by operators:
 *
 *   { "all": [
 *       { "field": "demand.department", "anyOf": ["057", "054"] },
 *       { "field": "demand.wishedCommunes", "prefix": "57" },
 *       { "field": "demand.household.size", "range": { "gte": 1, "lte": 4 } },
 *       { "not": { "field": "demand.dalo", "equals": true } } ] }
 *
 * A predicate on a list field holds when any element satisfies it; `anyElement` applies a whole
 * rule to each element of a list of objects (its fields are relative to the element).
 */

export type Scalar = string | number | boolean;

export interface RangeBounds {
  readonly gt?: number;
  readonly gte?: number;
  readonly lt?: number;
  readonly lte?: number;
}

export type Predicate =
  | { readonly field: string; readonly equals: Scalar }
  | { readonly field: string; readonly anyOf: readonly Scalar[] }
  | { readonly field: string; readonly prefix: string }
  | { readonly field: string; readonly range: RangeBounds }
  | { readonly field: string; readonly exists: boolean }
  | { readonly field: string; readonly anythingBut: readonly Scalar[] }
  | { readonly field: string; readonly anyElement: Rule };

export type Rule =
  | Predicate
  | { readonly all: readonly Rule[] }
  | { readonly any: readonly Rule[] }
  | { readonly not: Rule };

export const PREDICATE_OPERATORS = [
  'equals',
  'anyOf',
  'prefix',
  'range',
  'exists',
  'anythingBut',
  'anyElement',
] as const;
export type PredicateOperator = (typeof PREDICATE_OPERATORS)[number];

export type AllRule = Extract<Rule, { all: unknown }>;
export type AnyRule = Extract<Rule, { any: unknown }>;
export type NotRule = Extract<Rule, { not: unknown }>;

export const isAll = (rule: Rule): rule is AllRule => 'all' in rule;
export const isAny = (rule: Rule): rule is AnyRule => 'any' in rule;
export const isNot = (rule: Rule): rule is NotRule => 'not' in rule;
export const isPredicate = (rule: Rule): rule is Predicate => 'field' in rule;

export function operatorOf(predicate: Predicate): PredicateOperator {
  for (const operator of PREDICATE_OPERATORS) {
    if (operator in predicate) return operator;
  }
  throw new Error(`predicate without operator: ${JSON.stringify(predicate)}`);
}

/** A document a rule is matched against: JSON, with lists where a field has several values. */
export type MatchDocument = { readonly [key: string]: unknown };
