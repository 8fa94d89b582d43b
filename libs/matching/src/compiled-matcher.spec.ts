import fc from 'fast-check';
import { CompiledMatcher } from './compiled-matcher';
import type { FieldCatalog } from './fields';
import { evaluate } from './reference-evaluator';
import type { MatchDocument, Rule, Scalar } from './rule';

/** Small value domains, so random rules and documents meet often. */
const DEPARTMENTS = ['057', '054', '075', '02A'];
const COMMUNES = ['57463', '57672', '54395', '75056', '2A004'];
const TYPES = ['sne.demand.registered.v1', 'sne.demand.updated.v1', 'sne.demand.radiated.v1'];
const KINSHIPS = ['P', 'E', 'A'];

const CATALOG: FieldCatalog = {
  'event.type': { type: 'string', list: false, description: '', lowCardinality: true },
  'demand.department': { type: 'string', list: false, description: '' },
  'demand.wishedCommunes': { type: 'string', list: true, description: '' },
  'demand.householdSize': { type: 'number', list: false, description: '' },
  'demand.dalo': { type: 'boolean', list: false, description: '' },
  'demand.dependants': {
    type: 'object',
    list: true,
    description: '',
    elementFields: {
      kinship: { type: 'string', list: false, description: '' },
      age: { type: 'number', list: false, description: '' },
    },
  },
};

const stringField = (field: string, domain: string[]): fc.Arbitrary<Rule> =>
  fc.oneof(
    fc.constantFrom(...domain).map((equals) => ({ field, equals })),
    fc
      .uniqueArray(fc.constantFrom(...domain), { minLength: 1, maxLength: 3 })
      .map((anyOf) => ({ field, anyOf })),
    fc
      .constantFrom(...domain)
      .chain((value) =>
        fc
          .integer({ min: 1, max: value.length })
          .map((length) => ({ field, prefix: value.slice(0, length) })),
      ),
    fc
      .uniqueArray(fc.constantFrom(...domain), { minLength: 1, maxLength: 2 })
      .map((anythingBut) => ({ field, anythingBut })),
    fc.boolean().map((exists) => ({ field, exists })),
  );

const numberField = (field: string, min: number, max: number): fc.Arbitrary<Rule> => {
  const bound = fc.integer({ min, max });
  return fc.oneof(
    bound.map((equals) => ({ field, equals })),
    fc.uniqueArray(bound, { minLength: 1, maxLength: 3 }).map((anyOf) => ({ field, anyOf })),
    fc
      .record({ gt: bound, gte: bound, lt: bound, lte: bound }, { requiredKeys: [] })
      .filter(
        (range) =>
          Object.keys(range).length > 0 &&
          !('gt' in range && 'gte' in range) &&
          !('lt' in range && 'lte' in range),
      )
      .map((range) => ({ field, range })),
    fc.boolean().map((exists) => ({ field, exists })),
  );
};

const dependantRule: fc.Arbitrary<Rule> = fc.letrec<{ rule: Rule }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    stringField('kinship', KINSHIPS),
    numberField('age', 0, 30),
    fc.array(tie('rule'), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    tie('rule').map((not) => ({ not })),
  ),
})).rule;

const ruleArbitrary: fc.Arbitrary<Rule> = fc.letrec<{ rule: Rule }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    stringField('demand.department', DEPARTMENTS),
    stringField('demand.wishedCommunes', COMMUNES),
    stringField('event.type', TYPES),
    numberField('demand.householdSize', 1, 6),
    fc.boolean().map((equals) => ({ field: 'demand.dalo', equals })),
    dependantRule.map((anyElement) => ({ field: 'demand.dependants', anyElement })),
    fc.array(tie('rule'), { minLength: 1, maxLength: 4 }).map((all) => ({ all })),
    fc.array(tie('rule'), { minLength: 1, maxLength: 4 }).map((any) => ({ any })),
    tie('rule').map((not) => ({ not })),
  ),
})).rule;

const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
/** Values of the wrong type appear too: documents come from outside. */
const oddValue: fc.Arbitrary<unknown> = fc.constantFrom(null, 57, '6', true, [], {});

const documentArbitrary: fc.Arbitrary<MatchDocument> = fc
  .record({
    type: fc.oneof(fc.constantFrom(...TYPES), oddValue),
    department: optional(fc.oneof(fc.constantFrom(...DEPARTMENTS), oddValue)),
    wishedCommunes: optional(
      fc.oneof(
        fc.array(fc.constantFrom(...COMMUNES), { maxLength: 3 }),
        fc.constantFrom(...COMMUNES),
        oddValue,
      ),
    ),
    householdSize: optional(fc.oneof(fc.integer({ min: 0, max: 7 }), oddValue)),
    dalo: optional(fc.oneof(fc.boolean(), oddValue)),
    dependants: optional(
      fc.array(
        fc.record({
          kinship: optional(fc.constantFrom(...KINSHIPS)),
          age: optional(fc.integer({ min: 0, max: 30 })),
        }),
        { maxLength: 3 },
      ),
    ),
  })
  .map(({ type, ...demand }) => ({
    event: { type },
    demand: JSON.parse(JSON.stringify(demand)) as Record<string, unknown>,
  }));

const referenceMatch = (rules: readonly Rule[], document: MatchDocument) =>
  rules.flatMap((rule, index) => (evaluate(rule, document) ? [index] : []));

describe(CompiledMatcher.name, () => {
  it('agrees with the reference evaluator on random rules and documents (≥ 10,000 cases)', () => {
    let cases = 0;
    fc.assert(
      fc.property(
        fc.array(ruleArbitrary, { minLength: 1, maxLength: 30 }),
        fc.array(documentArbitrary, { minLength: 1, maxLength: 8 }),
        (rules, documents) => {
          const matcher = CompiledMatcher.compile(
            rules.map((rule, key) => ({ key, rule })),
            CATALOG,
          );
          for (const document of documents) {
            expect(matcher.match(document)).toEqual(referenceMatch(rules, document));
            cases += rules.length;
          }
        },
      ),
      { numRuns: 600 },
    );
    expect(cases).toBeGreaterThanOrEqual(10_000);
  });

  it('matches a territory rule through its anchor and skips other departments', () => {
    const matcher = CompiledMatcher.compile(
      [
        {
          key: 'metz',
          rule: {
            all: [
              { field: 'demand.department', equals: '057' },
              { field: 'demand.householdSize', range: { lte: 4 } },
            ],
          },
        },
        { key: 'paris', rule: { field: 'demand.wishedCommunes', prefix: '75' } },
        { key: 'dalo', rule: { field: 'demand.dalo', equals: true } },
        { key: 'not-paris', rule: { not: { field: 'demand.department', equals: '075' } } },
      ],
      CATALOG,
    );
    expect(matcher.stats()).toMatchObject({ rules: 4, anchored: 3, unanchored: 1 });
    expect(
      matcher.match({
        demand: { department: '057', householdSize: 3, wishedCommunes: ['57463', '75056'] },
      }),
    ).toEqual(['metz', 'paris', 'not-paris']);
    expect(matcher.match({ demand: { department: '075', householdSize: 3, dalo: true } })).toEqual([
      'dalo',
    ]);
  });

  it('shares one predicate between the rules that use it', () => {
    const shared = { field: 'demand.wishedCommunes', anyOf: ['57463', '57672'] } as const;
    const reordered = { field: 'demand.wishedCommunes', anyOf: ['57672', '57463'] } as const;
    const matcher = CompiledMatcher.compile(
      [
        { key: 1, rule: shared },
        { key: 2, rule: { all: [reordered, { field: 'demand.dalo', equals: true }] } },
      ],
      CATALOG,
    );
    expect(matcher.stats().distinctPredicates).toBe(2);
  });

  it('keeps working past many documents (stamp wrap-around is handled)', () => {
    const rule: Rule = { field: 'demand.department', equals: '057' };
    const matcher = CompiledMatcher.compile([{ key: 'a', rule }], CATALOG);
    for (let i = 0; i < 1_000; i++) {
      const department: Scalar = i % 2 === 0 ? '057' : '054';
      expect(matcher.match({ demand: { department } })).toEqual(i % 2 === 0 ? ['a'] : []);
    }
  });
});
