import fc from 'fast-check';
import { aNir } from './demand.fixtures';
import {
  duplicateKey,
  duplicateKeys,
  normalizeControlName,
  nirDuplicateKey,
  type ControlFields,
} from './duplicate-key';

const camille: ControlFields = {
  civility: 2,
  lastName: 'Lefèvre',
  firstName: 'Camille',
  birthDate: '1985-04-12',
};

describe(normalizeControlName.name, () => {
  it.each([
    ['Lefèvre', 'LEFEVRE'],
    ['LEFEVRE', 'LEFEVRE'],
    ['le-fèvre', 'LE FEVRE'],
    ['Jean-Pierre', 'JEAN PIERRE'],
    ['jean   pierre', 'JEAN PIERRE'],
    ['  Jean–Pierre ', 'JEAN PIERRE'],
    ["N'Diaye", 'N DIAYE'],
    ['N’Diaye', 'N DIAYE'],
    ['Cœur', 'COEUR'],
    ['ŒUVRE', 'OEUVRE'],
    ['Lætitia', 'LAETITIA'],
    ['Groß', 'GROSS'],
    ['Søren', 'SOREN'],
    ['Łukasz', 'LUKASZ'],
    ['Çağlar', 'CAGLAR'],
    ['Noël', 'NOEL'],
    ['Hélène-Françoise', 'HELENE FRANCOISE'],
    ['Ｍａｒｉｅ', 'MARIE'],
  ])('turns "%s" into "%s"', (name, normalized) => {
    expect(normalizeControlName(name)).toBe(normalized);
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (name) => {
        const once = normalizeControlName(name);
        expect(normalizeControlName(once)).toBe(once);
      }),
    );
  });

  it('never leaves a lower-case letter with an upper case, a double space or an edge space', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (name) => {
        const normalized = normalizeControlName(name);
        expect(normalized).not.toMatch(/ {2}|^ | $/);
        expect(normalized).toBe(normalized.toUpperCase());
      }),
    );
  });
});

describe(duplicateKey.name, () => {
  it('is a stable, versioned string of sex, names and birth date', () => {
    expect(duplicateKey(camille)).toBe('v1|F|LEFEVRE|CAMILLE|1985-04-12');
  });

  it.each(['LEFEVRE', 'le-fèvre', 'Le Fèvre', 'LE  FÈVRE', 'lefevre'])(
    'gives Lefèvre and "%s" one key',
    (lastName) => {
      expect(duplicateKey({ ...camille, lastName })).toBe(duplicateKey(camille));
    },
  );

  it('gives Jean-Pierre and "jean pierre" one key', () => {
    const jeanPierre: ControlFields = { ...camille, civility: 1, firstName: 'Jean-Pierre' };
    expect(duplicateKey({ ...jeanPierre, firstName: 'jean pierre' })).toBe(
      duplicateKey(jeanPierre),
    );
  });

  it('counts Madame and Mademoiselle as the same civility', () => {
    expect(duplicateKey({ ...camille, civility: 3 })).toBe(duplicateKey(camille));
  });

  it('tells apart another civility, first name or birth date', () => {
    const key = duplicateKey(camille);
    expect(duplicateKey({ ...camille, civility: 1 })).not.toBe(key);
    expect(duplicateKey({ ...camille, firstName: 'Camila' })).not.toBe(key);
    expect(duplicateKey({ ...camille, birthDate: '1985-04-13' })).not.toBe(key);
  });

  it('refuses a birth date that is not a calendar date', () => {
    expect(() => duplicateKey({ ...camille, birthDate: '1985-02-30' })).toThrow(RangeError);
  });

  it('does not change with case or accents', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z]{1,12}( [a-z]{1,12})?$/),
        fc.constantFrom('', '\u0301', '\u0300', '\u0308'),
        (lastName, accent) => {
          const accented = lastName
            .normalize('NFD')
            .replace(/^(.)/, `$1${accent}`)
            .normalize('NFC');
          expect(duplicateKey({ ...camille, lastName: accented.toUpperCase() })).toBe(
            duplicateKey({ ...camille, lastName }),
          );
        },
      ),
    );
  });
});

describe(duplicateKeys.name, () => {
  it('adds the key of the birth name', () => {
    expect(duplicateKeys({ ...camille, birthName: 'Martin' })).toEqual([
      'v1|F|LEFEVRE|CAMILLE|1985-04-12',
      'v1|F|MARTIN|CAMILLE|1985-04-12',
    ]);
  });

  it('gives one key when the birth name is the last name written otherwise', () => {
    expect(duplicateKeys({ ...camille, birthName: 'LEFEVRE' })).toEqual([duplicateKey(camille)]);
  });
});

describe(nirDuplicateKey.name, () => {
  it('keys a valid NIR however it is typed', () => {
    const nir = aNir('185052A004123');
    expect(nirDuplicateKey(nir)).toBe(`v1|NIR|${nir}`);
    expect(nirDuplicateKey('1 85 05 2a 004 123 56')).toBe(`v1|NIR|${nir}`);
  });

  it('has no key for a NIR with a wrong key', () => {
    expect(nirDuplicateKey('185052A00412357')).toBeUndefined();
  });
});
