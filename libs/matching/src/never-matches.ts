import type { FieldCatalog } from './fields';
import {
  isAll,
  isAny,
  isNot,
  isPredicate,
  type Predicate,
  type RangeBounds,
  type Rule,
  type Scalar,
} from './rule';

export interface RuleWarning {
  readonly path: string;
  readonly message: string;
}

/**
 * Finds parts of a rule that can never be true, so an operator is told before saving a filter
 * that would silently deliver nothing: empty ranges, and (on single-valued fields) contradictory
 * conditions joined by `all`. A list field may hold several values, so `all` of two different
 * communes is satisfiable there and is not flagged.
 */
export function findNeverMatching(rule: Rule, catalog: FieldCatalog): RuleWarning[] {
  const warnings: RuleWarning[] = [];
  const never = (node: Rule, path: string): boolean => {
    if (isAll(node)) {
      const childrenNever = node.all.map((child, index) => never(child, `${path}/all/${index}`));
      if (childrenNever.some(Boolean)) return true;
      const conflict = contradiction(node.all, catalog);
      if (conflict) {
        warnings.push({ path: path || '/', message: conflict });
        return true;
      }
      return false;
    }
    if (isAny(node)) {
      const childrenNever = node.any.map((child, index) => never(child, `${path}/any/${index}`));
      if (childrenNever.every(Boolean)) {
        warnings.push({ path: path || '/', message: 'no alternative of this "any" can match' });
        return true;
      }
      return false;
    }
    if (isNot(node)) {
      never(node.not, `${path}/not`);
      return false;
    }
    if ('range' in node && emptyRange(node.range)) {
      warnings.push({
        path: `${path}/range`,
        message: `the range ${describeRange(node.range)} contains no number`,
      });
      return true;
    }
    return false;
  };
  never(rule, '');
  return warnings;
}

function emptyRange(range: RangeBounds): boolean {
  const low = range.gte ?? range.gt ?? Number.NEGATIVE_INFINITY;
  const high = range.lte ?? range.lt ?? Number.POSITIVE_INFINITY;
  if (low > high) return true;
  return low === high && (range.gt !== undefined || range.lt !== undefined);
}

function describeRange(range: RangeBounds): string {
  return Object.entries(range)
    .map(([bound, value]) => `${bound} ${String(value)}`)
    .join(', ');
}

/** Allowed values of a single-valued field under `all`: intersected; empty means contradiction. */
function contradiction(children: readonly Rule[], catalog: FieldCatalog): string | undefined {
  const allowed = new Map<string, Set<Scalar>>();
  const ranges = new Map<string, RangeBounds>();
  const mustExist = new Set<string>();
  const mustBeMissing = new Set<string>();
  for (const child of children) {
    if (!isPredicate(child)) continue;
    const predicate: Predicate = child;
    const field = predicate.field;
    if (catalog[field]?.list) continue;
    if ('exists' in predicate) {
      (predicate.exists ? mustExist : mustBeMissing).add(field);
    } else {
      mustExist.add(field);
    }
    const values =
      'equals' in predicate
        ? [predicate.equals]
        : 'anyOf' in predicate
          ? predicate.anyOf
          : undefined;
    if (values) {
      const previous = allowed.get(field);
      const next = new Set(previous ? values.filter((value) => previous.has(value)) : values);
      if (next.size === 0)
        return `"${field}" cannot equal ${describeValues(previous!)} and ${describeValues(new Set(values))} at once`;
      allowed.set(field, next);
    }
    if ('range' in predicate) {
      const merged = tighter(ranges.get(field), predicate.range);
      if (emptyRange(merged)) return `the ranges on "${field}" do not overlap`;
      ranges.set(field, merged);
    }
  }
  for (const field of mustBeMissing) {
    if (mustExist.has(field)) return `"${field}" cannot be missing and have a value at once`;
  }
  for (const [field, values] of allowed) {
    const range = ranges.get(field);
    if (
      range &&
      ![...values].some((value) => typeof value === 'number' && inBounds(value, range))
    ) {
      return `no value allowed for "${field}" is inside its range`;
    }
  }
  return undefined;
}

function tighter(current: RangeBounds | undefined, next: RangeBounds): RangeBounds {
  if (!current) return next;
  const low = pickLow(current, next);
  const high = pickHigh(current, next);
  return { ...low, ...high };
}

function pickLow(a: RangeBounds, b: RangeBounds): RangeBounds {
  const la = a.gte ?? a.gt;
  const lb = b.gte ?? b.gt;
  if (la === undefined)
    return lb === undefined ? {} : b.gt !== undefined ? { gt: b.gt } : { gte: lb };
  if (lb === undefined || la > lb || (la === lb && a.gt !== undefined))
    return a.gt !== undefined ? { gt: a.gt } : { gte: la };
  return b.gt !== undefined ? { gt: b.gt } : { gte: lb };
}

function pickHigh(a: RangeBounds, b: RangeBounds): RangeBounds {
  const ha = a.lte ?? a.lt;
  const hb = b.lte ?? b.lt;
  if (ha === undefined)
    return hb === undefined ? {} : b.lt !== undefined ? { lt: b.lt } : { lte: hb };
  if (hb === undefined || ha < hb || (ha === hb && a.lt !== undefined))
    return a.lt !== undefined ? { lt: a.lt } : { lte: ha };
  return b.lt !== undefined ? { lt: b.lt } : { lte: hb };
}

function inBounds(value: number, range: RangeBounds): boolean {
  return (
    (range.gt === undefined || value > range.gt) &&
    (range.gte === undefined || value >= range.gte) &&
    (range.lt === undefined || value < range.lt) &&
    (range.lte === undefined || value <= range.lte)
  );
}

function describeValues(values: Set<Scalar>): string {
  return [...values].map((value) => JSON.stringify(value)).join(' or ');
}
