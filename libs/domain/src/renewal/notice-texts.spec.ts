import {
  formatFrenchDate,
  formatFrenchLongDate,
  renewalEmail,
  renewalLetter,
  renewalSmsText,
} from './notice-texts';
import { resolveRenewalSettings } from './renewal-settings';

const numeroUnique = '057 1215 073903 10691';

describe(renewalSmsText.name, () => {
  it("writes the seeds' SMS word for word", () => {
    expect(renewalSmsText({ numeroUnique })).toBe(
      'Votre demande de logement social No: 057 1215 073903 10691 doit être renouvelée. ' +
        'Allez sur www.demande-logement-social.gouv.fr ou à votre guichet habituel.',
    );
  });

  it('names the portal of the settings', () => {
    const settings = resolveRenewalSettings({ portalAddress: 'demandes.example.fr' });
    expect(renewalSmsText({ numeroUnique }, settings)).toContain(
      'Allez sur demandes.example.fr ou à votre guichet habituel.',
    );
  });
});

describe(renewalEmail.name, () => {
  const email = renewalEmail({ numeroUnique, cycle: '2016-05-26' });

  it('names the demand in the subject', () => {
    expect(email.subject).toBe(
      'Renouvelez votre demande de logement social n° 057 1215 073903 10691',
    );
  });

  it('gives the number, the anniversary in French and the portal link in the text', () => {
    expect(email.text).toContain(
      'Votre demande de logement social n° 057 1215 073903 10691 doit être renouvelée avant le 26 mai 2016.',
    );
    expect(email.text).toContain('Renouvelez-la sur https://www.demande-logement-social.gouv.fr');
  });

  it('links to the portal in the HTML', () => {
    expect(email.html).toContain('<html lang="fr">');
    expect(email.html).toContain(
      '<a href="https://www.demande-logement-social.gouv.fr">www.demande-logement-social.gouv.fr</a>',
    );
    expect(email.html).toContain('<strong>26 mai 2016</strong>');
    expect(email.html).not.toMatch(/\{[A-Za-z]+\}/);
  });

  it('escapes every value in the HTML, not in the text', () => {
    const settings = resolveRenewalSettings({
      portalUrl: 'https://demandes.example.fr/?a=1&b="2"',
    });
    const escaped = renewalEmail({ numeroUnique: '<b>057</b>', cycle: '2016-06-01' }, settings);
    expect(escaped.html).toContain('href="https://demandes.example.fr/?a=1&amp;b=&quot;2&quot;"');
    expect(escaped.html).toContain('<strong>&lt;b&gt;057&lt;/b&gt;</strong>');
    expect(escaped.html).not.toContain('<b>');
    expect(escaped.text).toContain('n° <b>057</b> doit être renouvelée avant le 1er juin 2016.');
  });
});

describe(renewalLetter.name, () => {
  it('asks for the renewal before the anniversary in the plain letter', () => {
    const letter = renewalLetter('plain-letter', { numeroUnique, cycle: '2016-05-26' });
    expect(letter.title).toBe('Objet : renouvellement de votre demande de logement social');
    expect(letter.lines).toContain(
      'Votre demande de logement social n° 057 1215 073903 10691 arrive à échéance le 26 mai 2016. ' +
        'Pour la conserver, vous devez la renouveler avant cette date.',
    );
    expect(letter.lines[0]).toBe('Numéro unique : 057 1215 073903 10691');
  });

  it('announces the radiation date in the registered letter', () => {
    const letter = renewalLetter('registered-letter', { numeroUnique, cycle: '2016-12-31' });
    expect(letter.kind).toBe('registered-letter');
    expect(letter.lines).toContain(
      "Si elle ne l'est pas, elle sera radiée pour non-renouvellement le 31 janvier 2017 " +
        'et vous perdrez son ancienneté.',
    );
    expect(letter.lines.join('\n')).not.toMatch(/\{[A-Za-z]+\}/);
  });
});

describe(formatFrenchDate.name, () => {
  it('writes dates as the screens do', () => {
    expect(formatFrenchDate('2016-05-26')).toBe('26/05/2016');
    expect(formatFrenchDate('2017-02-01')).toBe('01/02/2017');
  });
});

describe(formatFrenchLongDate.name, () => {
  it('writes the month in words and the first of the month as an ordinal', () => {
    expect(formatFrenchLongDate('2016-05-26')).toBe('26 mai 2016');
    expect(formatFrenchLongDate('2016-08-01')).toBe('1er août 2016');
    expect(formatFrenchLongDate('2016-12-09')).toBe('9 décembre 2016');
  });
});

describe('texts from the settings', () => {
  it('fills the templates the deployment gave', () => {
    const settings = resolveRenewalSettings({
      texts: {
        sms: 'SNE : renouvelez la demande {numeroUnique} sur {portalAddress}.',
        plainLetter: { title: 'Objet : votre demande', lines: ['Avant le {anniversary}.'] },
      },
    });
    expect(renewalSmsText({ numeroUnique }, settings)).toBe(
      `SNE : renouvelez la demande ${numeroUnique} sur www.demande-logement-social.gouv.fr.`,
    );
    expect(renewalLetter('plain-letter', { numeroUnique, cycle: '2016-05-26' }, settings)).toEqual({
      kind: 'plain-letter',
      title: 'Objet : votre demande',
      lines: ['Avant le 26 mai 2016.'],
    });
  });
});
