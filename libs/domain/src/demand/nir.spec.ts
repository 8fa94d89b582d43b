import { checkNir, nirInconsistencies, nirKey, normalizeNir } from './nir';

describe('nirKey', () => {
  it('is 97 minus the number mod 97', () => {
    expect(nirKey('2550814168025')).toBe(38);
  });

  it('counts Corsica 2A as 19 and 2B as 18', () => {
    expect(nirKey('185052A004123')).toBe(97 - (1850519004123 % 97));
    expect(nirKey('185052B004123')).toBe(97 - (1850518004123 % 97));
    expect(nirKey('185052A004123')).toBe(56);
    expect(nirKey('185052B004123')).toBe(83);
  });
});

describe('checkNir', () => {
  it('reads sex, year and month of birth and department of a valid NIR', () => {
    expect(checkNir('255081416802538')).toEqual({
      ok: true,
      parts: { sex: 'F', birthYear: 55, birthMonth: 8, department: '14' },
    });
  });

  it('accepts Corsican numbers with their key', () => {
    expect(checkNir('185052A00412356').ok).toBe(true);
    expect(checkNir('185052B00412383').ok).toBe(true);
  });

  it('refuses a Corsican number keyed as if 2A were 20', () => {
    expect(checkNir('185052A00412383').ok).toBe(false);
  });

  it('refuses a wrong key', () => {
    expect(checkNir('255081416802539')).toEqual({
      ok: false,
      reason: expect.stringContaining('wrong key'),
    });
  });

  it.each([
    ['too short', '25508141680253'],
    ['sex digit 5', '555081416802538'],
    ['month 13', '255131416802538'],
    ['letters outside Corsica', '25508AB16802538'],
  ])('refuses a number %s', (_, nir) => {
    expect(checkNir(nir)).toEqual({ ok: false, reason: expect.stringContaining('15 characters') });
  });

  it('leaves the month unknown for the codes 20 and over', () => {
    const body = '1853099123456';
    const nir = `${body}${String(nirKey(body)).padStart(2, '0')}`;
    expect(checkNir(nir)).toMatchObject({ ok: true, parts: { birthMonth: undefined } });
  });
});

describe('nirInconsistencies', () => {
  const parts = { sex: 'F', birthYear: 85, birthMonth: 4, department: '57' } as const;

  it('finds nothing when year, month and sex match', () => {
    expect(nirInconsistencies(parts, { birthDate: '1985-04-12', sex: 'F' })).toEqual([]);
  });

  it('reports another birth year, birth month and sex', () => {
    expect(nirInconsistencies(parts, { birthDate: '1986-05-12', sex: 'M' })).toEqual([
      expect.stringContaining('year ending in 85'),
      expect.stringContaining('month 4'),
      expect.stringContaining("woman's number"),
    ]);
  });

  it('does not compare the month when the NIR does not know it', () => {
    expect(
      nirInconsistencies({ ...parts, birthMonth: undefined }, { birthDate: '1985-11-12' }),
    ).toEqual([]);
  });

  it('ignores a birth date that is not a calendar date', () => {
    expect(nirInconsistencies(parts, { birthDate: '1985-02-30' })).toEqual([]);
  });
});

describe('normalizeNir', () => {
  it('removes the spaces, dots and dashes people type and upper-cases Corsica', () => {
    expect(normalizeNir('1 85 05 2a 004 123 56')).toBe('185052A00412356');
    expect(normalizeNir('2.55.08-14.168.025.38')).toBe('255081416802538');
  });
});
