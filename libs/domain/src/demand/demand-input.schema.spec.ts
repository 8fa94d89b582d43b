import {
  demandInputSchema,
  draftDemandInputSchema,
  radiationRequestSchema,
} from './demand-input.schema';

type Node = Readonly<Record<string, unknown>>;

/** Every subschema with the path of keywords leading to it. */
function subschemas(schema: unknown, path = '#'): Array<readonly [string, Node]> {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return [];
  const node = schema as Node;
  const found: Array<readonly [string, Node]> = [[path, node]];
  const properties = (node.properties ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(properties)) {
    found.push(...subschemas(value, `${path}/properties/${key}`));
  }
  for (const keyword of ['items', 'if', 'then', 'else']) {
    found.push(...subschemas(node[keyword], `${path}/${keyword}`));
  }
  return found;
}

describe.each([
  ['demandInputSchema', demandInputSchema],
  ['draftDemandInputSchema', draftDemandInputSchema],
  ['radiationRequestSchema', radiationRequestSchema],
])('%s', (_, schema) => {
  const nodes = subschemas(schema);

  it('closes every object it describes', () => {
    const open = nodes.filter(
      ([path, node]) =>
        node.properties !== undefined &&
        !path.includes('/if') &&
        node.additionalProperties !== false,
    );
    expect(open.map(([path]) => path)).toEqual([]);
  });

  it('never lets an unknown key in through patternProperties or a free-form object', () => {
    const free = nodes.filter(
      ([path, node]) =>
        node.patternProperties !== undefined ||
        (node.type === 'object' && node.properties === undefined && path !== '#'),
    );
    expect(free.map(([path]) => path)).toEqual([]);
  });

  it('bounds the length of every string', () => {
    const unbounded = nodes.filter(
      ([, node]) => node.type === 'string' && typeof node.maxLength !== 'number',
    );
    expect(unbounded.map(([path]) => path)).toEqual([]);
  });

  it('bounds the size of every list', () => {
    const unbounded = nodes.filter(
      ([, node]) => node.type === 'array' && typeof node.maxItems !== 'number',
    );
    expect(unbounded.map(([path]) => path)).toEqual([]);
  });
});

describe('draftDemandInputSchema', () => {
  it("requires nothing but the applicant's kind", () => {
    const required = subschemas(draftDemandInputSchema)
      .filter(([path, node]) => !path.includes('/if') && node.required !== undefined)
      .map(([path, node]) => [path, node.required]);
    expect(required).toEqual([
      ['#/then/properties/applicant', ['kind']],
      ['#/else/properties/applicant', ['kind']],
    ]);
  });
});
