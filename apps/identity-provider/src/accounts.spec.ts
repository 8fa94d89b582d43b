import { ClientRegistrationError } from './machine-clients';
import { claimsOfPerson, hashPassword, parsePerson, passwordMatches } from './accounts';

describe('accounts', () => {
  it("carries a person's roles and territory into the token's claims", () => {
    const person = parsePerson({
      login: 'manager.moselle',
      name: ' Claire ',
      roles: ['territorial-manager'],
      territory: ['057', '054'],
    });
    expect(person.name).toBe('Claire');
    expect(claimsOfPerson(person)).toEqual({
      sne_kind: 'operator',
      sne_roles: ['territorial-manager'],
      sne_territory: ['057', '054'],
    });
  });

  it('refuses a person without roles or territory, every problem at once', () => {
    expect(() => parsePerson({ login: 'Bad Login', name: '', roles: [], territory: [] })).toThrow(
      ClientRegistrationError,
    );
    try {
      parsePerson({ login: 'Bad Login', name: '', roles: [], territory: [] });
    } catch (error) {
      expect((error as ClientRegistrationError).problems).toHaveLength(4);
    }
  });

  it('keeps passwords as salted scrypt hashes, matched only by the same password', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(stored).not.toContain('horse');
    expect(await hashPassword('correct horse battery staple')).not.toBe(stored);
    expect(await passwordMatches('correct horse battery staple', stored)).toBe(true);
    expect(await passwordMatches('correct horse battery stapler', stored)).toBe(false);
    expect(await passwordMatches('anything', 'plain-text')).toBe(false);
  });
});
