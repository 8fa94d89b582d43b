import { DEMAND_FIELDS } from './fields';
import { findNeverMatching } from './never-matches';
import type { Rule } from './rule';

const warnings = (rule: Rule) => findNeverMatching(rule, DEMAND_FIELDS);

describe('findNeverMatching', () => {
  it('flags an empty range', () => {
    expect(warnings({ field: 'demand.householdSize', range: { gte: 5, lte: 2 } })).toEqual([
      { path: '/range', message: 'the range gte 5, lte 2 contains no number' },
    ]);
    expect(warnings({ field: 'demand.householdSize', range: { gt: 3, lt: 3 } })).toHaveLength(1);
  });

  it('flags two different values required of a single-valued field', () => {
    expect(
      warnings({
        all: [
          { field: 'demand.department', equals: '057' },
          { field: 'demand.department', anyOf: ['054', '075'] },
        ],
      }),
    ).toEqual([
      { path: '/', message: '"demand.department" cannot equal "057" and "054" or "075" at once' },
    ]);
  });

  it('does not flag two communes required of the list of wished communes', () => {
    expect(
      warnings({
        all: [
          { field: 'demand.wishedCommunes', equals: '57463' },
          { field: 'demand.wishedCommunes', equals: '57672' },
        ],
      }),
    ).toEqual([]);
  });

  it('flags ranges that do not overlap and a value outside the range', () => {
    expect(
      warnings({
        all: [
          { field: 'demand.householdSize', range: { lt: 2 } },
          { field: 'demand.householdSize', range: { gte: 4 } },
        ],
      }),
    ).toEqual([{ path: '/', message: 'the ranges on "demand.householdSize" do not overlap' }]);
    expect(
      warnings({
        all: [
          { field: 'demand.householdSize', equals: 6 },
          { field: 'demand.householdSize', range: { lte: 4 } },
        ],
      }),
    ).toEqual([
      { path: '/', message: 'no value allowed for "demand.householdSize" is inside its range' },
    ]);
  });

  it('flags a field required both missing and present, and an any whose alternatives all fail', () => {
    expect(
      warnings({
        all: [
          { field: 'demand.epci', exists: false },
          { field: 'demand.epci', equals: '200039865' },
        ],
      }),
    ).toEqual([{ path: '/', message: '"demand.epci" cannot be missing and have a value at once' }]);
    expect(
      warnings({
        any: [
          { field: 'demand.householdSize', range: { gt: 9, lt: 2 } },
          { field: 'demand.applicantAge', range: { gte: 200, lte: 100 } },
        ],
      }),
    ).toHaveLength(3);
  });

  it('accepts a rule that can match', () => {
    expect(
      warnings({
        all: [
          { field: 'demand.department', equals: '057' },
          { field: 'demand.householdSize', range: { gte: 1, lte: 4 } },
        ],
      }),
    ).toEqual([]);
  });
});
