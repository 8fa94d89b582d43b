import { dataProfileOf } from './data-profile';

describe('dataProfileOf', () => {
  const operator = (roles: string[]) =>
    ({ kind: 'operator', id: 'o', roles, territory: ['057'] }) as never;

  it('restricts a consultant simple and no one else', () => {
    expect(dataProfileOf(operator(['consultant-simple']))).toBe('restricted');
    expect(dataProfileOf(operator(['consultant-demande']))).toBe('full');
    expect(dataProfileOf(operator(['consultant-simple', 'territorial-manager']))).toBe('full');
    expect(
      dataProfileOf({ kind: 'guichet', id: '10691', guichetType: 'landlord', territory: ['057'] }),
    ).toBe('full');
  });

  it('restricts an operator without any role (deny by default)', () => {
    expect(dataProfileOf(operator([]))).toBe('restricted');
  });
});
