import { CompiledMatcher } from './compiled-matcher';
import { DEMAND_FIELDS } from './fields';
import type { Rule } from './rule';
import {
  boundToTerritory,
  type DispatchTerritory,
  NEVER,
  placesOutsideTerritory,
  pruneToTerritory,
  territoryRule,
} from './territory';

const paris: DispatchTerritory = { departments: ['075'] };
const metz: DispatchTerritory = { departments: ['057'], communes: ['57463', '57480'] };
const national: DispatchTerritory = { national: { mandate: 'DIHAL, suivi national du DALO' } };

const matches = (rule: Rule, demand: Record<string, unknown>) =>
  CompiledMatcher.compile([{ key: true, rule }], DEMAND_FIELDS).match({
    event: { type: 'sne.demand.registered.v1' },
    demand,
  }).length > 0;

describe('boundToTerritory', () => {
  it('keeps demands of other departments out whatever the rule says', () => {
    const everything: Rule = { field: 'demand.householdSize', range: { gte: 0 } };
    const bound = boundToTerritory(paris, everything);
    expect(matches(bound, { department: '075', householdSize: 2 })).toBe(true);
    expect(matches(bound, { department: '057', householdSize: 2 })).toBe(false);
    expect(matches(bound, { householdSize: 2 })).toBe(false);
  });

  it('keeps out a rule naming another department', () => {
    const moselle: Rule = { field: 'demand.department', equals: '057' };
    expect(matches(boundToTerritory(paris, moselle), { department: '057' })).toBe(false);
  });

  it('narrows a territory of communes to demands wishing one of them', () => {
    const any: Rule = { field: 'demand.householdSize', exists: true };
    const bound = boundToTerritory(metz, any);
    expect(matches(bound, { department: '057', householdSize: 1, wishedCommunes: ['57463'] })).toBe(
      true,
    );
    expect(matches(bound, { department: '057', householdSize: 1, wishedCommunes: ['57672'] })).toBe(
      false,
    );
  });

  it('leaves the rule alone for a national territory, which is named', () => {
    const rule: Rule = { field: 'demand.dalo', equals: true };
    expect(boundToTerritory(national, rule)).toBe(rule);
    expect(territoryRule(national)).toBeUndefined();
  });
});

describe('placesOutsideTerritory', () => {
  it('names every department and commune selected outside, with its path', () => {
    const rule: Rule = {
      all: [
        { field: 'demand.department', anyOf: ['075', '057'] },
        {
          any: [
            { field: 'demand.wishedCommunes', equals: '69123' },
            { field: 'demand.dalo', equals: true },
          ],
        },
      ],
    };
    expect(placesOutsideTerritory(rule, paris)).toEqual([
      expect.objectContaining({ path: '/all/0/anyOf/1', field: 'demand.department', value: '057' }),
      expect.objectContaining({ path: '/all/1/any/0/equals', value: '69123' }),
    ]);
  });

  it('accepts places that are only excluded, and the current commune', () => {
    const rule: Rule = {
      all: [
        { not: { field: 'demand.wishedCommunes', prefix: '57' } },
        { field: 'demand.department', anythingBut: ['057'] },
        { field: 'demand.currentCommune', equals: '57463' },
      ],
    };
    expect(placesOutsideTerritory(rule, paris)).toEqual([]);
  });

  it('counts a double negation as selecting', () => {
    const rule: Rule = { not: { not: { field: 'demand.department', equals: '057' } } };
    expect(placesOutsideTerritory(rule, paris)).toHaveLength(1);
  });

  it('refuses prefixes that pin another department or none', () => {
    const rule: Rule = {
      any: [
        { field: 'demand.wishedCommunes', prefix: '57' },
        { field: 'demand.wishedCommunes', prefix: '7' },
        { field: 'demand.wishedCommunes', prefix: '751' },
      ],
    };
    expect(placesOutsideTerritory(rule, paris).map((place) => place.value)).toEqual(['57', '7']);
  });

  it('holds a territory of communes to its communes', () => {
    const rule: Rule = { field: 'demand.wishedCommunes', anyOf: ['57463', '57672'] };
    expect(placesOutsideTerritory(rule, metz)).toEqual([
      expect.objectContaining({ value: '57672', message: expect.stringContaining('not one of') }),
    ]);
  });

  it('reads Corsica and overseas communes', () => {
    const rule: Rule = { field: 'demand.wishedCommunes', anyOf: ['2A004', '97411'] };
    expect(placesOutsideTerritory(rule, { departments: ['02A', '974'] })).toEqual([]);
    expect(placesOutsideTerritory(rule, { departments: ['02B'] })).toHaveLength(2);
  });

  it('finds nothing outside a national territory', () => {
    expect(placesOutsideTerritory({ field: 'demand.department', equals: '057' }, national)).toEqual(
      [],
    );
  });
});

describe('pruneToTerritory', () => {
  it('drops the outside values of a list', () => {
    const rule: Rule = { field: 'demand.department', anyOf: ['075', '057'] };
    expect(pruneToTerritory(rule, paris)).toEqual({ field: 'demand.department', anyOf: ['075'] });
  });

  it('drops an `any` branch that only reached outside', () => {
    const rule: Rule = {
      any: [
        { field: 'demand.department', equals: '057' },
        { field: 'demand.dalo', equals: true },
      ],
    };
    expect(pruneToTerritory(rule, paris)).toEqual({
      any: [{ field: 'demand.dalo', equals: true }],
    });
  });

  it('gives a rule that never matches when nothing of it was inside', () => {
    const rule: Rule = {
      all: [
        { field: 'demand.department', equals: '057' },
        { field: 'demand.dalo', equals: true },
      ],
    };
    expect(pruneToTerritory(rule, paris)).toEqual(NEVER);
    expect(matches(NEVER, { department: '075' })).toBe(false);
  });

  it('returns a rule within the territory unchanged', () => {
    const rule: Rule = { field: 'demand.department', equals: '075' };
    expect(pruneToTerritory(rule, paris)).toBe(rule);
  });

  it('always yields a rule with nothing outside', () => {
    const rule: Rule = { not: { not: { field: 'demand.department', equals: '057' } } };
    const pruned = pruneToTerritory(rule, paris);
    expect(placesOutsideTerritory(pruned, paris)).toEqual([]);
  });
});
