import {
  departmentOfCommune,
  etalabCommunes,
  isCommuneInDepartment,
  isInseeCommuneCode,
  isKnownCommune,
} from './communes';

describe('departmentOfCommune', () => {
  it.each([
    ['57463', '057'],
    ['01001', '001'],
    ['2A004', '02A'],
    ['2B033', '02B'],
    ['97411', '974'],
    ['97608', '976'],
    ['75111', '075'],
  ])('reads the department of %s as %s', (commune, department) => {
    expect(departmentOfCommune(commune)).toBe(department);
  });

  it('has no department for a code that is not an INSEE commune code', () => {
    expect(departmentOfCommune('2C004')).toBeUndefined();
    expect(departmentOfCommune('5746')).toBeUndefined();
  });
});

describe('isCommuneInDepartment', () => {
  it('compares departments written in any usual form', () => {
    expect(isCommuneInDepartment('57463', '57')).toBe(true);
    expect(isCommuneInDepartment('2A004', '2a')).toBe(true);
    expect(isCommuneInDepartment('97411', '974')).toBe(true);
  });

  it('refuses a commune of another department, Corsica and overseas included', () => {
    expect(isCommuneInDepartment('54395', '057')).toBe(false);
    expect(isCommuneInDepartment('2B033', '02A')).toBe(false);
    expect(isCommuneInDepartment('97411', '971')).toBe(false);
    expect(isCommuneInDepartment('57463', 'not a department')).toBe(false);
  });
});

describe('isInseeCommuneCode', () => {
  it.each(['57463', '2A004', '97411'])('accepts the shape of %s', (code) => {
    expect(isInseeCommuneCode(code)).toBe(true);
  });

  it.each(['5746', '574630', '2a004', '2C004', ' 57463'])('refuses the shape of "%s"', (code) => {
    expect(isInseeCommuneCode(code)).toBe(false);
  });
});

describe('isKnownCommune', () => {
  it.each([
    ['Metz', '57463'],
    ['Ajaccio', '2A004'],
    ['Bastia', '2B033'],
    ['Saint-Denis (La Réunion)', '97411'],
    ['Paris', '75056'],
    ['the 11th arrondissement of Paris', '75111'],
  ])('knows %s (%s)', (_, code) => {
    expect(isKnownCommune(code)).toBe(true);
  });

  it('does not know a well-shaped code no commune has', () => {
    expect(isKnownCommune('57999')).toBe(false);
  });

  it('does not know the pre-1976 Corsican code of Ajaccio', () => {
    expect(isKnownCommune('20004')).toBe(false);
  });

  it('loads the etalab data once', () => {
    expect(etalabCommunes()).toBe(etalabCommunes());
  });

  it('uses the directory it is given', () => {
    expect(isKnownCommune('57999', new Set(['57999']))).toBe(true);
  });
});
