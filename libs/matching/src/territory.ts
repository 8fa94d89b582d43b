import { departmentOfCommune } from '@sne/domain';
import { isAll, isAny, isNot, isPredicate, type Predicate, type Rule } from './rule';

/**
 * Where a guichet may receive demands from: departments (INSEE, 3 characters), narrowed for an
 * EPCI or a commune to its communes; or the whole country, for a State service with a national
 * mandate, which is named and never a default.
 */
export type DispatchTerritory =
  | { readonly departments: readonly string[]; readonly communes?: readonly string[] }
  | { readonly national: { readonly mandate: string } };

export const isNationalTerritory = (
  territory: DispatchTerritory,
): territory is Extract<DispatchTerritory, { national: unknown }> => 'national' in territory;

/** The departments a territory spans; undefined for the whole country. */
export function territoryDepartments(territory: DispatchTerritory): readonly string[] | undefined {
  return isNationalTerritory(territory) ? undefined : territory.departments;
}

/**
 * The rule a demand must satisfy to be in the territory: its department, and for a territory of
 * communes one of its wished communes. Undefined for a national territory.
 */
export function territoryRule(territory: DispatchTerritory): Rule | undefined {
  if (isNationalTerritory(territory)) return undefined;
  const department: Rule = { field: 'demand.department', anyOf: [...territory.departments] };
  if (!territory.communes?.length) return department;
  return {
    all: [department, { field: 'demand.wishedCommunes', anyOf: [...territory.communes] }],
  };
}

/**
 * `territory AND rule`: what a guichet's matcher, backfill, dry run and explain evaluate, so that
 * nothing outside the territory can match whatever the rule says.
 */
export function boundToTerritory(territory: DispatchTerritory, rule: Rule): Rule {
  const bound = territoryRule(territory);
  return bound ? { all: [bound, rule] } : rule;
}

/** A place a rule selects that lies outside the territory, with its path in the rule. */
export interface PlaceOutsideTerritory {
  readonly path: string;
  readonly field: string;
  readonly value: string;
  readonly message: string;
}

const DEPARTMENT_FIELD = 'demand.department';
/**
 * Fields that place a demand. The current commune is not one: it says where the applicant lives
 * now, and a Paris guichet may well select Paris demands of applicants living in Moselle.
 */
const COMMUNE_FIELDS: ReadonlySet<string> = new Set([
  'demand.wishedCommunes',
  'demand.firstChoiceCommune',
]);

/** The department a prefix of a department or commune code pins, if it pins one. */
function departmentOfPrefix(field: string, prefix: string): string | undefined {
  if (field === DEPARTMENT_FIELD) return prefix.length === 3 ? prefix : undefined;
  const length = /^9[78]/.test(prefix) ? 3 : 2;
  return prefix.length >= length
    ? departmentOfCommune(prefix.slice(0, length).padEnd(5, '0'))
    : undefined;
}

/**
 * The places a rule selects (not excludes) outside the territory: departments it is not made of,
 * communes of other departments or, for a territory of communes, other communes. Saving such a
 * rule is refused; a stored one is pruned by the migration at start.
 */
export function placesOutsideTerritory(
  rule: Rule,
  territory: DispatchTerritory,
): PlaceOutsideTerritory[] {
  if (isNationalTerritory(territory)) return [];
  const departments = new Set(territory.departments);
  const communes = territory.communes?.length ? new Set(territory.communes) : undefined;
  const found: PlaceOutsideTerritory[] = [];

  const outsideValue = (field: string, value: string): string | undefined => {
    if (field === DEPARTMENT_FIELD)
      return departments.has(value) ? undefined : `department ${value} is outside the territory`;
    const department = departmentOfCommune(value);
    if (!department || !departments.has(department))
      return `commune ${value} is outside the territory's departments`;
    if (communes && !communes.has(value))
      return `commune ${value} is not one of the territory's communes`;
    return undefined;
  };
  const outsidePrefix = (field: string, prefix: string): string | undefined => {
    const department = departmentOfPrefix(field, prefix);
    if (!department) return `prefix "${prefix}" spans places outside the territory`;
    if (!departments.has(department)) return `prefix "${prefix}" is outside the territory`;
    if (communes && ![...communes].every((commune) => commune.startsWith(prefix)))
      return `prefix "${prefix}" reaches communes outside the territory`;
    return undefined;
  };

  const visitPredicate = (predicate: Predicate, path: string) => {
    const { field } = predicate;
    if (field !== DEPARTMENT_FIELD && !COMMUNE_FIELDS.has(field)) return;
    const report = (value: string, where: string, message: string | undefined) => {
      if (message) found.push({ path: where, field, value, message });
    };
    if ('equals' in predicate && typeof predicate.equals === 'string')
      report(predicate.equals, `${path}/equals`, outsideValue(field, predicate.equals));
    if ('anyOf' in predicate)
      predicate.anyOf.forEach((value, index) => {
        if (typeof value === 'string')
          report(value, `${path}/anyOf/${index}`, outsideValue(field, value));
      });
    if ('prefix' in predicate)
      report(predicate.prefix, `${path}/prefix`, outsidePrefix(field, predicate.prefix));
  };

  // Under an odd number of `not`, a predicate excludes places instead of selecting them.
  const visit = (node: Rule, path: string, selecting: boolean): void => {
    if (isAll(node))
      node.all.forEach((child, index) => visit(child, `${path}/all/${index}`, selecting));
    else if (isAny(node))
      node.any.forEach((child, index) => visit(child, `${path}/any/${index}`, selecting));
    else if (isNot(node)) visit(node.not, `${path}/not`, !selecting);
    else if (isPredicate(node) && selecting) visitPredicate(node, path);
  };
  visit(rule, '', true);
  return found;
}

/** A rule no document satisfies (every event has a type). */
export const NEVER: Rule = { not: { field: 'event.type', exists: true } };

/**
 * The rule without the places it selects outside the territory: values dropped from `anyOf`,
 * a predicate left with none (or an outside `equals` or `prefix`) can no longer hold, and the
 * `all`/`any` above it follow. What the migration at start saves for a stored rule that reached
 * outside; `NEVER` when nothing of it was within the territory.
 */
export function pruneToTerritory(rule: Rule, territory: DispatchTerritory): Rule {
  const outside = placesOutsideTerritory(rule, territory);
  if (outside.length === 0) return rule;
  const offending = new Set(outside.map((place) => place.path));
  const prune = (node: Rule, path: string): Rule | false => {
    if (isAll(node)) {
      const children = node.all.map((child, index) => prune(child, `${path}/all/${index}`));
      if (children.some((child) => child === false)) return false;
      return { all: children as Rule[] };
    }
    if (isAny(node)) {
      const children = node.any
        .map((child, index) => prune(child, `${path}/any/${index}`))
        .filter((child): child is Rule => child !== false);
      return children.length > 0 ? { any: children } : false;
    }
    if (!isPredicate(node)) return node; // a `not` only excludes: left as it is
    if ('anyOf' in node) {
      const kept = node.anyOf.filter((_, index) => !offending.has(`${path}/anyOf/${index}`));
      if (kept.length === node.anyOf.length) return node;
      return kept.length > 0 ? { field: node.field, anyOf: kept } : false;
    }
    if (offending.has(`${path}/equals`) || offending.has(`${path}/prefix`)) return false;
    return node;
  };
  const pruned = prune(rule, '') || NEVER;
  // A place selected under a double `not` is not pruned above: the rule then goes whole.
  return placesOutsideTerritory(pruned, territory).length === 0 ? pruned : NEVER;
}
