import { explain } from './explain';
import type { Rule } from './rule';

const rule: Rule = {
  all: [
    { field: 'demand.department', anyOf: ['057', '054'] },
    { field: 'demand.householdSize', range: { lte: 4 } },
    {
      any: [
        { field: 'demand.wishedCommunes', equals: '57463' },
        { field: 'demand.dalo', equals: true },
      ],
    },
  ],
};

describe('explain', () => {
  it('names the predicates that kept a guichet from receiving an event, with what the demand held', () => {
    const result = explain(rule, {
      demand: { department: '075', householdSize: 3, wishedCommunes: ['75056'], dalo: false },
    });
    expect(result.matched).toBe(false);
    expect(result.decisive).toEqual([
      {
        path: '/all/0',
        matched: false,
        kind: 'anyOf',
        field: 'demand.department',
        values: ['075'],
        expected: ['057', '054'],
      },
      {
        path: '/all/2/any/0',
        matched: false,
        kind: 'equals',
        field: 'demand.wishedCommunes',
        values: ['75056'],
        expected: '57463',
      },
      {
        path: '/all/2/any/1',
        matched: false,
        kind: 'equals',
        field: 'demand.dalo',
        values: [false],
        expected: true,
      },
    ]);
  });

  it('names the predicates that selected a matching event', () => {
    const result = explain(rule, {
      demand: { department: '057', householdSize: 2, wishedCommunes: [], dalo: true },
    });
    expect(result.matched).toBe(true);
    expect(result.decisive.map((node) => node.path)).toEqual(['/all/0', '/all/1', '/all/2/any/1']);
    expect(result.tree.children).toHaveLength(3);
  });
});
