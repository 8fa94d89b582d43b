/**
 * The baselines the compiled matcher is meant to beat, each fed our rules translated into its
 * own language:
 *
 * - mingo: the MongoDB query language, one `Query` compiled per rule, `.test(document)` per rule;
 * - json-rules-engine: ONE engine holding one rule per guichet (its documented way to evaluate
 *   many rules against the same facts: the engine shares the fact cache across rules and reports
 *   the rules that succeeded); facts are the document's fields, one fact per field name
 *   (`demand.department`, ...), so no JSONPath is involved.
 *
 * Where a library cannot express our semantics exactly, the translation throws `Unsupported` and
 * the rule is left out of that baseline (the runner reports which and why).
 */
import {
  type FieldCatalog,
  type FieldDefinition,
  isAll,
  isAny,
  isNot,
  type MatchDocument,
  type Predicate,
  type Rule,
  type Scalar,
} from '@sne/matching';
import { Engine, type TopLevelCondition } from 'json-rules-engine';
import { Query } from 'mingo';

export class Unsupported extends Error {}

export interface Exclusion {
  readonly index: number;
  readonly reason: string;
}

/** The part of a rule set a baseline can run: which rules, and what it had to leave out. */
export interface Coverage {
  readonly included: readonly number[];
  readonly excluded: readonly Exclusion[];
}

const definitionOf = (catalog: FieldCatalog, field: string): FieldDefinition => {
  const definition = catalog[field];
  if (!definition) throw new Error(`unknown field ${field}`);
  return definition;
};

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---------------------------------------------------------------------------------------------
// mingo (MongoDB query language)

export type MongoQuery = { [key: string]: unknown };

/**
 * equals → $eq, anyOf → $in, prefix → $regex '^…', range → $gt/$gte/$lt/$lte, exists → $exists,
 * anythingBut → $exists + $nin, anyElement → $elemMatch, all → $and, any → $or, not → $nor.
 *
 * Two adaptations keep the semantics exact:
 * - our `exists` means "has at least one non-null value", whereas `$exists: true` also holds for
 *   an empty array or null: the translation adds `$ne: []` on list fields, `$ne: null` on others
 *   (and `anythingBut` adds the same, since it requires a value);
 * - MongoDB lets the bounds of a range on an array be met by different elements; our range needs
 *   one value inside all bounds, hence `$elemMatch` for ranges on list fields (none in the demand
 *   catalog, so it is not exercised).
 */
export function toMongo(rule: Rule, catalog: FieldCatalog): MongoQuery {
  if (isAll(rule)) return { $and: rule.all.map((child) => toMongo(child, catalog)) };
  if (isAny(rule)) return { $or: rule.any.map((child) => toMongo(child, catalog)) };
  if (isNot(rule)) return { $nor: [toMongo(rule.not, catalog)] };
  return predicateToMongo(rule, catalog);
}

function predicateToMongo(predicate: Predicate, catalog: FieldCatalog): MongoQuery {
  const field = predicate.field;
  const definition = definitionOf(catalog, field);
  const present = definition.list ? { $exists: true, $ne: [] } : { $exists: true, $ne: null };
  if ('equals' in predicate) return { [field]: { $eq: predicate.equals } };
  if ('anyOf' in predicate) return { [field]: { $in: [...predicate.anyOf] } };
  if ('prefix' in predicate) return { [field]: { $regex: `^${escapeRegex(predicate.prefix)}` } };
  if ('range' in predicate) {
    const bounds: Record<string, number> = {};
    for (const [bound, value] of Object.entries(predicate.range)) {
      if (typeof value === 'number') bounds[`$${bound}`] = value;
    }
    return definition.list && Object.keys(bounds).length > 1
      ? { [field]: { $elemMatch: bounds } }
      : { [field]: bounds };
  }
  if ('exists' in predicate) {
    return predicate.exists ? { [field]: present } : { $nor: [{ [field]: present }] };
  }
  if ('anythingBut' in predicate) {
    return { [field]: { ...present, $nin: [...predicate.anythingBut, null] } };
  }
  const elementFields = definition.elementFields;
  if (!elementFields) throw new Unsupported(`anyElement on ${field}, not a list of objects`);
  return { [field]: { $elemMatch: toMongo(predicate.anyElement, elementFields) } };
}

export class MingoMatcher {
  private readonly queries: Array<{ readonly index: number; readonly query: Query }> = [];
  readonly coverage: Coverage;

  constructor(rules: readonly Rule[], catalog: FieldCatalog) {
    const included: number[] = [];
    const excluded: Exclusion[] = [];
    rules.forEach((rule, index) => {
      try {
        this.queries.push({ index, query: new Query(toMongo(rule, catalog)) });
        included.push(index);
      } catch (error) {
        if (!(error instanceof Unsupported)) throw error;
        excluded.push({ index, reason: error.message });
      }
    });
    this.coverage = { included, excluded };
  }

  /** Indexes of the rules that select the document, in rule order. */
  match(document: MatchDocument): number[] {
    const matched: number[] = [];
    for (const { index, query } of this.queries) if (query.test(document)) matched.push(index);
    return matched;
  }
}

// ---------------------------------------------------------------------------------------------
// json-rules-engine

interface FactCondition {
  readonly fact: string;
  readonly operator: string;
  readonly value: unknown;
}

export type EngineCondition =
  | FactCondition
  | { readonly all: EngineCondition[] }
  | { readonly any: EngineCondition[] }
  | { readonly not: EngineCondition };

/** Our `exists`: at least one value that is not null. */
function isPresent(value: unknown): boolean {
  if (Array.isArray(value))
    return value.some((element) => element !== null && element !== undefined);
  return value !== null && value !== undefined;
}

/**
 * Built-in operators where they exist: equal, in, notIn, contains, the numeric comparisons, and
 * the `someFact:` / `everyFact:` decorators for list fields (anyOf on a list → `someFact:in`).
 * Two custom operators where the library has none: `startsWith` (our prefix) and `present`
 * (our exists). Not expressible: `anyElement` (conditions cannot be applied to the elements of
 * a list fact) and a range on a list field (bounds cannot be held by one element); such rules
 * throw `Unsupported`.
 */
export function toEngineCondition(rule: Rule, catalog: FieldCatalog): EngineCondition {
  if (isAll(rule)) return { all: rule.all.map((child) => toEngineCondition(child, catalog)) };
  if (isAny(rule)) return { any: rule.any.map((child) => toEngineCondition(child, catalog)) };
  if (isNot(rule)) return { not: toEngineCondition(rule.not, catalog) };
  const fact = rule.field;
  const list = definitionOf(catalog, fact).list;
  const condition = (operator: string, value: unknown): FactCondition => ({
    fact,
    operator,
    value,
  });
  if ('equals' in rule) return condition(list ? 'contains' : 'equal', rule.equals);
  if ('anyOf' in rule) return condition(list ? 'someFact:in' : 'in', [...rule.anyOf]);
  if ('prefix' in rule) return condition(list ? 'someFact:startsWith' : 'startsWith', rule.prefix);
  if ('range' in rule) {
    if (list) throw new Unsupported(`range on the list field ${fact}`);
    const operators = {
      gt: 'greaterThan',
      gte: 'greaterThanInclusive',
      lt: 'lessThan',
      lte: 'lessThanInclusive',
    } as const;
    const conditions = (Object.keys(operators) as Array<keyof typeof operators>)
      .filter((bound) => rule.range[bound] !== undefined)
      .map((bound) => condition(operators[bound], rule.range[bound]));
    return conditions.length === 1 ? conditions[0] : { all: conditions };
  }
  if ('exists' in rule) return condition('present', rule.exists);
  if ('anythingBut' in rule) {
    const excluded: Scalar[] = [...rule.anythingBut];
    return {
      all: [condition('present', true), condition(list ? 'everyFact:notIn' : 'notIn', excluded)],
    };
  }
  throw new Unsupported(`anyElement on ${fact}: no condition over the elements of a list`);
}

const asTopLevel = (condition: EngineCondition): TopLevelCondition =>
  'fact' in condition ? { all: [condition] } : condition;

export class RulesEngineMatcher {
  private readonly engine: Engine;
  private readonly paths: ReadonlyArray<readonly [string, readonly string[]]>;
  readonly coverage: Coverage;

  constructor(rules: readonly Rule[], catalog: FieldCatalog) {
    this.engine = new Engine([], { allowUndefinedFacts: true });
    this.engine.addOperator<unknown, string>(
      'startsWith',
      (factValue, prefix) => typeof factValue === 'string' && factValue.startsWith(prefix),
    );
    this.engine.addOperator<unknown, boolean>(
      'present',
      (factValue, expected) => isPresent(factValue) === expected,
    );
    const included: number[] = [];
    const excluded: Exclusion[] = [];
    rules.forEach((rule, index) => {
      try {
        const conditions = asTopLevel(toEngineCondition(rule, catalog));
        this.engine.addRule({ name: String(index), conditions, event: { type: String(index) } });
        included.push(index);
      } catch (error) {
        if (!(error instanceof Unsupported)) throw error;
        excluded.push({ index, reason: error.message });
      }
    });
    this.coverage = { included, excluded };
    this.paths = Object.keys(catalog).map((field) => [field, field.split('.')] as const);
  }

  /** The document's fields as facts: one per catalog field, absent when the field is. */
  facts(document: MatchDocument): Record<string, unknown> {
    const facts: Record<string, unknown> = {};
    for (const [field, path] of this.paths) {
      let value: unknown = document;
      for (const key of path) {
        value =
          value !== null && typeof value === 'object' && !Array.isArray(value)
            ? (value as Record<string, unknown>)[key]
            : undefined;
      }
      if (value !== undefined && value !== null) facts[field] = value;
    }
    return facts;
  }

  /** Indexes of the rules that select the document, in rule order. */
  async match(document: MatchDocument): Promise<number[]> {
    const { events } = await this.engine.run(this.facts(document));
    return events.map((event) => Number(event.type)).sort((a, b) => a - b);
  }
}
