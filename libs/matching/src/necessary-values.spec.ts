import fc from 'fast-check';
import { necessaryValues } from './necessary-values';
import { evaluate } from './reference-evaluator';
import type { Rule } from './rule';

describe('necessaryValues', () => {
  it('pins the departments of a territory rule', () => {
    const rule: Rule = {
      all: [
        { field: 'demand.department', anyOf: ['057', '054'] },
        {
          any: [
            { field: 'demand.department', equals: '057' },
            { field: 'demand.department', equals: '054' },
          ],
        },
        { field: 'demand.householdSize', range: { lte: 4 } },
      ],
    };
    expect(necessaryValues(rule, 'demand.department')).toEqual(new Set(['057', '054']));
  });

  it('pins nothing when one alternative leaves the field free, or under a negation', () => {
    expect(
      necessaryValues(
        {
          any: [
            { field: 'demand.department', equals: '057' },
            { field: 'demand.dalo', equals: true },
          ],
        },
        'demand.department',
      ),
    ).toBeUndefined();
    expect(
      necessaryValues({ not: { field: 'demand.department', equals: '057' } }, 'demand.department'),
    ).toBeUndefined();
  });

  it('never excludes a document the rule selects', () => {
    const departments = ['057', '054', '075'];
    const leaf: fc.Arbitrary<Rule> = fc.oneof(
      fc.constantFrom(...departments).map((equals) => ({ field: 'demand.department', equals })),
      fc
        .uniqueArray(fc.constantFrom(...departments), { minLength: 1 })
        .map((anyOf) => ({ field: 'demand.department', anyOf })),
      fc.boolean().map((equals) => ({ field: 'demand.dalo', equals })),
    );
    const rule = fc.letrec<{ rule: Rule }>((tie) => ({
      rule: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('rule'), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
        fc.array(tie('rule'), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
        tie('rule').map((not) => ({ not })),
      ),
    })).rule;
    const document = fc
      .record({ department: fc.constantFrom(...departments), dalo: fc.boolean() })
      .map((demand) => ({ demand }));
    fc.assert(
      fc.property(rule, document, (r, d) => {
        const pinned = necessaryValues(r, 'demand.department');
        if (pinned && evaluate(r, d)) expect(pinned.has(d.demand.department)).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });
});
