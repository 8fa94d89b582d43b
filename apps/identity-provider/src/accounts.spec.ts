import { ClientRegistrationError } from './machine-clients';
import { claimsOfPerson, hashPassword, isAgent, parsePerson, passwordMatches } from './accounts';

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

describe('agents signing in through ProConnect', () => {
  const person = parsePerson({
    login: 'claire.gestionnaire',
    name: 'Claire',
    roles: ['territorial-manager'],
    territory: ['057'],
    proconnect: {
      email: 'claire@moselle.gouv.fr',
      sirets: ['22570001300013', '22570001300013', '21570463000019'],
    },
  });
  const agent = { email: 'Claire@Moselle.gouv.fr', siret: '21570463000019', sub: 's', idpId: 'i' };

  it('is the person with the same e-mail acting for one of their establishments', () => {
    expect(person.proconnect?.sirets).toEqual(['22570001300013', '21570463000019']);
    expect(isAgent(person, agent)).toBe(true);
    expect(isAgent(person, { ...agent, siret: '11000101300017' })).toBe(false);
    expect(isAgent(person, { ...agent, email: 'claire@meurthe.gouv.fr' })).toBe(false);
    const { proconnect: _, ...withoutProConnect } = person;
    expect(isAgent(withoutProConnect, agent)).toBe(false);
  });

  it('refuses an address that is not lower case and a SIRET that is not 14 digits', () => {
    try {
      parsePerson({
        login: 'x.y',
        name: 'X',
        roles: ['consultant-simple'],
        territory: ['057'],
        proconnect: { email: 'X.Y@Moselle.gouv.fr', sirets: ['123'] },
      });
      throw new Error('expected a refusal');
    } catch (error) {
      expect((error as ClientRegistrationError).problems).toEqual([
        'proconnect.email: a professional e-mail address, lower case',
        'proconnect.sirets: one or more SIRETs of 14 digits',
      ]);
    }
  });
});
