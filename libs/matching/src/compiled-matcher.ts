import { isScalar, resolvePath, splitPath } from './document';
import type { FieldCatalog } from './fields';
import { evaluate, inRange } from './reference-evaluator';
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
 * Matches one document against many rules at once, at a cost that follows the rules that could
 * match rather than all of them.
 *
 * Compilation:
 * - every distinct field path and every distinct predicate is interned once, so the values of a
 *   field and the outcome of a predicate are computed at most once per document, however many
 *   rules share them (most guichets of a department share its communes and ranges);
 * - each rule gets a set of *anchors*: indexable predicates one of which must hold for the rule to
 *   match (for `all`, the most selective child's anchors; for `any`, the union of its children's).
 *   Anchors go into hash indexes (equality, prefix), so a document only visits the rules anchored
 *   on one of its values: the territory's guichets, not the whole country's;
 * - each rule becomes a closure over the interned predicates, run for the candidates only.
 * Rules with no anchor (only negations, say) are evaluated for every document.
 */
export interface MatcherEntry<K> {
  readonly key: K;
  readonly rule: Rule;
}

export interface MatcherStats {
  readonly rules: number;
  readonly distinctFields: number;
  readonly distinctPredicates: number;
  readonly anchored: number;
  readonly unanchored: number;
}

type Anchor =
  | { readonly kind: 'equals'; readonly field: string; readonly values: readonly Scalar[] }
  | { readonly kind: 'prefix'; readonly field: string; readonly prefix: string }
  | { readonly kind: 'exists'; readonly field: string }
  | { readonly kind: 'range'; readonly field: string; readonly range: RangeBounds };

interface AnchorChoice {
  readonly anchors: readonly Anchor[];
  readonly cost: number;
}

const UNANCHORED: AnchorChoice = { anchors: [], cost: Number.POSITIVE_INFINITY };

/** Per-document memo: the values of each interned field and the outcome of each predicate. */
class Evaluation {
  generation = 0;
  document: MatchDocument = {};
  readonly fieldStamp: Uint32Array;
  readonly fieldValues: unknown[][];
  readonly predicateStamp: Uint32Array;
  readonly predicateResult: Uint8Array;
  readonly ruleStamp: Uint32Array;

  constructor(fields: number, predicates: number, rules: number) {
    this.fieldStamp = new Uint32Array(fields);
    this.fieldValues = new Array<unknown[]>(fields);
    this.predicateStamp = new Uint32Array(predicates);
    this.predicateResult = new Uint8Array(predicates);
    this.ruleStamp = new Uint32Array(rules);
  }
}

type Test = (values: readonly unknown[]) => boolean;
type Closure = (evaluation: Evaluation) => boolean;

export class CompiledMatcher<K> {
  private readonly fieldPaths: string[][] = [];
  private readonly fieldIds = new Map<string, number>();
  private readonly predicateTests: Array<{ field: number; test: Test }> = [];
  private readonly predicateIds = new Map<string, number>();
  private readonly closures: Closure[] = [];
  private readonly keys: K[] = [];
  private readonly equalsIndex = new Map<number, Map<Scalar, number[]>>();
  private readonly prefixIndex = new Map<
    number,
    { lengths: number[]; byPrefix: Map<string, number[]> }
  >();
  private readonly existsIndex = new Map<number, number[]>();
  private readonly rangeIndex = new Map<number, Array<{ range: RangeBounds; rule: number }>>();
  private readonly unanchored: number[] = [];
  private readonly evaluation: Evaluation;

  private constructor(
    entries: readonly MatcherEntry<K>[],
    private readonly catalog: FieldCatalog,
  ) {
    entries.forEach((entry, index) => {
      this.keys.push(entry.key);
      this.closures.push(this.compileRule(entry.rule));
      const choice = this.anchorsOf(entry.rule);
      if (choice.anchors.length === 0) this.unanchored.push(index);
      for (const anchor of choice.anchors) this.index(anchor, index);
    });
    for (const entry of this.prefixIndex.values()) entry.lengths.sort((a, b) => a - b);
    this.evaluation = new Evaluation(
      this.fieldPaths.length,
      this.predicateTests.length,
      entries.length,
    );
  }

  static compile<K>(
    entries: readonly MatcherEntry<K>[],
    catalog: FieldCatalog = {},
  ): CompiledMatcher<K> {
    return new CompiledMatcher(entries, catalog);
  }

  /** The keys whose rule selects the document, in the order the entries were given. */
  match(document: MatchDocument): K[] {
    const evaluation = this.evaluation;
    evaluation.generation = (evaluation.generation + 1) >>> 0;
    if (evaluation.generation === 0) this.resetStamps();
    evaluation.document = document;
    const generation = evaluation.generation;
    const candidates: number[] = [];
    const consider = (rules: readonly number[] | undefined) => {
      if (!rules) return;
      for (const rule of rules) {
        if (evaluation.ruleStamp[rule] !== generation) {
          evaluation.ruleStamp[rule] = generation;
          candidates.push(rule);
        }
      }
    };

    for (const [field, byValue] of this.equalsIndex) {
      for (const value of this.values(field)) {
        if (isScalar(value)) consider(byValue.get(value));
      }
    }
    for (const [field, { lengths, byPrefix }] of this.prefixIndex) {
      for (const value of this.values(field)) {
        if (typeof value !== 'string') continue;
        for (const length of lengths) {
          if (length > value.length) break;
          consider(byPrefix.get(value.slice(0, length)));
        }
      }
    }
    for (const [field, rules] of this.existsIndex) {
      if (this.values(field).length > 0) consider(rules);
    }
    for (const [field, ranges] of this.rangeIndex) {
      const numbers = this.values(field).filter(
        (value): value is number => typeof value === 'number',
      );
      if (numbers.length === 0) continue;
      for (const { range, rule } of ranges) {
        if (numbers.some((value) => inRange(value, range))) consider([rule]);
      }
    }
    consider(this.unanchored);

    candidates.sort((a, b) => a - b);
    const matched: K[] = [];
    for (const rule of candidates) {
      if (this.closures[rule](evaluation)) matched.push(this.keys[rule]);
    }
    return matched;
  }

  stats(): MatcherStats {
    return {
      rules: this.keys.length,
      distinctFields: this.fieldPaths.length,
      distinctPredicates: this.predicateTests.length,
      anchored: this.keys.length - this.unanchored.length,
      unanchored: this.unanchored.length,
    };
  }

  private values(field: number): unknown[] {
    const evaluation = this.evaluation;
    if (evaluation.fieldStamp[field] !== evaluation.generation) {
      evaluation.fieldStamp[field] = evaluation.generation;
      evaluation.fieldValues[field] = resolvePath(evaluation.document, this.fieldPaths[field]);
    }
    return evaluation.fieldValues[field];
  }

  private resetStamps(): void {
    const evaluation = this.evaluation;
    evaluation.fieldStamp.fill(0);
    evaluation.predicateStamp.fill(0);
    evaluation.ruleStamp.fill(0);
    evaluation.generation = 1;
  }

  private fieldId(path: string): number {
    let id = this.fieldIds.get(path);
    if (id === undefined) {
      id = this.fieldPaths.length;
      this.fieldPaths.push(splitPath(path));
      this.fieldIds.set(path, id);
    }
    return id;
  }

  private compileRule(rule: Rule): Closure {
    if (isAll(rule)) {
      const children = rule.all.map((child) => this.compileRule(child));
      return (evaluation) => {
        for (const child of children) if (!child(evaluation)) return false;
        return true;
      };
    }
    if (isAny(rule)) {
      const children = rule.any.map((child) => this.compileRule(child));
      return (evaluation) => {
        for (const child of children) if (child(evaluation)) return true;
        return false;
      };
    }
    if (isNot(rule)) {
      const child = this.compileRule(rule.not);
      return (evaluation) => !child(evaluation);
    }
    const id = this.predicateId(rule);
    const { field, test } = this.predicateTests[id];
    return (evaluation) => {
      if (evaluation.predicateStamp[id] !== evaluation.generation) {
        evaluation.predicateStamp[id] = evaluation.generation;
        evaluation.predicateResult[id] = test(this.values(field)) ? 1 : 0;
      }
      return evaluation.predicateResult[id] === 1;
    };
  }

  private predicateId(predicate: Predicate): number {
    const canonical = canonicalPredicate(predicate);
    let id = this.predicateIds.get(canonical);
    if (id === undefined) {
      id = this.predicateTests.length;
      this.predicateTests.push({
        field: this.fieldId(predicate.field),
        test: compileTest(predicate),
      });
      this.predicateIds.set(canonical, id);
    }
    return id;
  }

  /** Anchors of a rule, with an estimated cost: the lower, the fewer documents reach the rule. */
  private anchorsOf(rule: Rule): AnchorChoice {
    if (isAll(rule)) {
      let best = UNANCHORED;
      for (const child of rule.all) {
        const choice = this.anchorsOf(child);
        if (choice.cost < best.cost) best = choice;
      }
      return best;
    }
    if (isAny(rule)) {
      const anchors: Anchor[] = [];
      let cost = 0;
      for (const child of rule.any) {
        const choice = this.anchorsOf(child);
        if (choice.anchors.length === 0) return UNANCHORED;
        anchors.push(...choice.anchors);
        cost += choice.cost;
      }
      return { anchors, cost };
    }
    if (isNot(rule)) {
      return isNot(rule.not) ? this.anchorsOf(rule.not.not) : UNANCHORED;
    }
    const weight = this.catalog[rule.field]?.lowCardinality ? 10 : 1;
    if ('equals' in rule)
      return {
        anchors: [{ kind: 'equals', field: rule.field, values: [rule.equals] }],
        cost: weight,
      };
    if ('anyOf' in rule) {
      return {
        anchors: [{ kind: 'equals', field: rule.field, values: rule.anyOf }],
        cost: weight * rule.anyOf.length,
      };
    }
    if ('prefix' in rule)
      return {
        anchors: [{ kind: 'prefix', field: rule.field, prefix: rule.prefix }],
        cost: 2 * weight,
      };
    if ('range' in rule)
      return { anchors: [{ kind: 'range', field: rule.field, range: rule.range }], cost: 40 };
    // exists, anythingBut and anyElement all need the field to be present.
    if (('exists' in rule && rule.exists) || 'anythingBut' in rule || 'anyElement' in rule) {
      return { anchors: [{ kind: 'exists', field: rule.field }], cost: 100 };
    }
    return UNANCHORED;
  }

  private index(anchor: Anchor, rule: number): void {
    const field = this.fieldId(anchor.field);
    switch (anchor.kind) {
      case 'equals': {
        let byValue = this.equalsIndex.get(field);
        if (!byValue) this.equalsIndex.set(field, (byValue = new Map<Scalar, number[]>()));
        for (const value of anchor.values) appendTo(byValue, value, rule);
        break;
      }
      case 'prefix': {
        let entry = this.prefixIndex.get(field);
        if (!entry) this.prefixIndex.set(field, (entry = { lengths: [], byPrefix: new Map() }));
        if (!entry.lengths.includes(anchor.prefix.length)) entry.lengths.push(anchor.prefix.length);
        appendTo(entry.byPrefix, anchor.prefix, rule);
        break;
      }
      case 'exists':
        appendTo(this.existsIndex, field, rule);
        break;
      case 'range': {
        let ranges = this.rangeIndex.get(field);
        if (!ranges) this.rangeIndex.set(field, (ranges = []));
        ranges.push({ range: anchor.range, rule });
        break;
      }
    }
  }
}

function appendTo<T>(map: Map<T, number[]>, key: T, rule: number): void {
  const rules = map.get(key);
  if (!rules) map.set(key, [rule]);
  else if (rules[rules.length - 1] !== rule) rules.push(rule);
}

/** One text per distinct predicate (anyOf values sorted), to share it across rules. */
function canonicalPredicate(predicate: Predicate): string {
  if ('anyOf' in predicate || 'anythingBut' in predicate) {
    const operator = 'anyOf' in predicate ? 'anyOf' : 'anythingBut';
    const values = [...('anyOf' in predicate ? predicate.anyOf : predicate.anythingBut)]
      .map((value) => JSON.stringify(value))
      .sort();
    return `${predicate.field}\u0000${operator}\u0000${values.join(',')}`;
  }
  return `${predicate.field}\u0000${JSON.stringify(predicate)}`;
}

function compileTest(predicate: Predicate): Test {
  if ('equals' in predicate) {
    const wanted = predicate.equals;
    return (values) => values.includes(wanted);
  }
  if ('anyOf' in predicate) {
    const wanted = new Set<unknown>(predicate.anyOf);
    return (values) => values.some((value) => isScalar(value) && wanted.has(value));
  }
  if ('prefix' in predicate) {
    const prefix = predicate.prefix;
    return (values) =>
      values.some((value) => typeof value === 'string' && value.startsWith(prefix));
  }
  if ('range' in predicate) {
    const range = predicate.range;
    return (values) => values.some((value) => typeof value === 'number' && inRange(value, range));
  }
  if ('exists' in predicate) {
    const exists = predicate.exists;
    return (values) => exists === values.length > 0;
  }
  if ('anythingBut' in predicate) {
    const excluded = new Set<unknown>(predicate.anythingBut);
    return (values) =>
      values.length > 0 && !values.some((value) => isScalar(value) && excluded.has(value));
  }
  const inner = predicate.anyElement;
  return (values) =>
    values.some(
      (element) =>
        element !== null &&
        typeof element === 'object' &&
        evaluate(inner, element as MatchDocument),
    );
}
