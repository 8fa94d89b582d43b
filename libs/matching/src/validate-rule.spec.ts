import { DEMAND_FIELDS } from './fields';
import { validateRule } from './validate-rule';

const issuesOf = (input: unknown) => {
  const result = validateRule(input, DEMAND_FIELDS);
  return result.ok ? [] : result.issues;
};

describe('validateRule', () => {
  it('accepts a realistic guichet rule', () => {
    const rule = {
      all: [
        { field: 'demand.department', anyOf: ['057', '054'] },
        {
          any: [
            { field: 'demand.wishedCommunes', prefix: '57' },
            { field: 'demand.dalo', equals: true },
          ],
        },
        { field: 'demand.householdSize', range: { gte: 1, lte: 4 } },
        { not: { field: 'demand.radiationMotive', exists: true } },
        {
          field: 'demand.dependants',
          anyElement: {
            all: [
              { field: 'kinship', equals: 'E' },
              { field: 'age', range: { lt: 3 } },
            ],
          },
        },
      ],
    };
    expect(validateRule(rule, DEMAND_FIELDS)).toEqual({ ok: true, rule });
  });

  it('names the path and the reason of every problem', () => {
    expect(
      issuesOf({
        all: [
          { field: 'demand.departement', equals: '057' },
          { field: 'demand.householdSize', range: { gte: 'deux' } },
          { field: 'demand.wishedCommunes', anyOf: [] },
          { field: 'demand.dalo', equals: 'oui' },
          { field: 'demand.householdSize', prefix: '4' },
        ],
      }),
    ).toEqual([
      {
        path: '/all/0/field',
        message: expect.stringMatching(
          /^unknown field "demand.departement"; known fields: event.type, /,
        ),
      },
      { path: '/all/1/range/gte', message: 'must be a number, not a string' },
      { path: '/all/2/anyOf', message: 'must be a non-empty array of values' },
      {
        path: '/all/3/equals',
        message: 'must be a boolean ("demand.dalo" is a boolean), not a string',
      },
      {
        path: '/all/4/prefix',
        message: 'prefix applies to text fields; "demand.householdSize" is a number',
      },
    ]);
  });

  it('refuses malformed structure', () => {
    expect(issuesOf(null)).toEqual([
      { path: '/', message: 'must be an object (a predicate, all, any or not), not null' },
    ]);
    expect(issuesOf({ all: [] })).toEqual([
      { path: '/all', message: 'must be a non-empty array of rules' },
    ]);
    expect(issuesOf({ field: 'demand.state', equals: 'active', anyOf: ['x'] })).toEqual([
      { path: '/', message: 'a predicate has exactly one operator; found equals, anyOf' },
    ]);
    expect(issuesOf({ field: 'demand.state', matches: 'act.*' })[0]?.message).toMatch(
      /^unknown operator "matches"/,
    );
    expect(issuesOf({ whatever: 1 })[0]?.message).toBe(
      'unknown rule: expected "field", "all", "any" or "not", found whatever',
    );
    expect(issuesOf({ field: 'demand.householdSize', range: { gt: 1, gte: 2 } })).toEqual([
      { path: '/range', message: 'gt and gte together' },
    ]);
  });

  it('checks the fields of anyElement against the element’s own fields', () => {
    expect(
      issuesOf({
        field: 'demand.dependants',
        anyElement: { field: 'demand.department', equals: '057' },
      }),
    ).toEqual([
      {
        path: '/anyElement/field',
        message: 'unknown field "demand.department"; known fields: kinship, age',
      },
    ]);
    expect(
      issuesOf({ field: 'demand.department', anyElement: { field: 'age', equals: 3 } }),
    ).toEqual([
      {
        path: '/anyElement',
        message: 'anyElement applies to lists of objects; "demand.department" is not one',
      },
    ]);
  });

  it('bounds the depth of a rule', () => {
    let rule: unknown = { field: 'demand.dalo', equals: true };
    for (let i = 0; i < 20; i++) rule = { not: rule };
    expect(issuesOf(rule)[0]?.message).toBe('rules nest at most 16 levels deep');
  });
});
