import {
  formatNumeroUnique,
  InvalidNumeroUniqueError,
  normalizeDepartment,
  parseNumeroUnique,
  sequenceScope,
} from './numero-unique';

describe('numéro unique', () => {
  it('formats the seed example 057 1215 073903 10691', () => {
    expect(
      formatNumeroUnique({
        department: '57',
        depositDate: new Date(Date.UTC(2015, 11, 14)),
        sequence: 73903,
        guichetCode: '10691',
      }),
    ).toBe('057 1215 073903 10691');
  });

  it('reads a number back into its parts', () => {
    expect(parseNumeroUnique('02A 0326 000001 2A0B1')).toEqual({
      department: '02A',
      depositDate: new Date(Date.UTC(2026, 2, 1)),
      sequence: 1,
      guichetCode: '2A0B1',
    });
  });

  it('draws sequences per department and month of deposit', () => {
    expect(sequenceScope('75', new Date(Date.UTC(2026, 0, 31)))).toBe('075 0126');
  });

  it.each(['057 1215 73903 10691', '057 1315 073903 10691', '57 1215 073903 10691', ''])(
    'refuses "%s"',
    (input) => {
      expect(() => parseNumeroUnique(input)).toThrow(InvalidNumeroUniqueError);
    },
  );

  it('refuses a sequence beyond six digits and a malformed guichet code', () => {
    const base = { department: '057', depositDate: new Date(), guichetCode: '10691' };
    expect(() => formatNumeroUnique({ ...base, sequence: 1_000_000 })).toThrow('outside 1..999999');
    expect(() => formatNumeroUnique({ ...base, sequence: 1, guichetCode: 'abc' })).toThrow(
      'invalid guichet code',
    );
  });

  it('normalises department codes', () => {
    expect(normalizeDepartment('2a')).toBe('02A');
    expect(normalizeDepartment('971')).toBe('971');
    expect(() => normalizeDepartment('7')).toThrow('invalid department code');
  });
});
