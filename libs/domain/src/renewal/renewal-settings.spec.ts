import {
  DEFAULT_RENEWAL_SETTINGS,
  InvalidRenewalSettingsError,
  renewalSettingsIssues,
  resolveRenewalSettings,
} from './renewal-settings';
import { DEFAULT_RENEWAL_TEXTS } from './renewal-texts';

describe(resolveRenewalSettings.name, () => {
  it("defaults to the seeds' calendar and channels", () => {
    expect(resolveRenewalSettings()).toEqual({
      anniversaryBasis: 'deposit-anniversary',
      renewalWindowMonths: 3,
      firstNoticeMonthsBefore: 2,
      registeredLetterMonthsBefore: 1,
      radiationMonthsAfter: 1,
      reactivationWindowMonths: 5,
      channels: { email: true, sms: true, plainLetter: true, registeredLetter: true },
      paperForOnlineDemands: false,
      portalAddress: 'www.demande-logement-social.gouv.fr',
      portalUrl: 'https://www.demande-logement-social.gouv.fr',
      quietHours: { start: '20:00', end: '08:00' },
      timeZone: 'Europe/Paris',
      texts: DEFAULT_RENEWAL_TEXTS,
    });
  });

  it('applies overrides, nested ones included, over the defaults', () => {
    const settings = resolveRenewalSettings({
      firstNoticeMonthsBefore: 3,
      channels: { sms: false },
      quietHours: { start: '21:00' },
    });
    expect(settings.firstNoticeMonthsBefore).toBe(3);
    expect(settings.channels).toEqual({
      email: true,
      sms: false,
      plainLetter: true,
      registeredLetter: true,
    });
    expect(settings.quietHours).toEqual({ start: '21:00', end: '08:00' });
    expect(DEFAULT_RENEWAL_SETTINGS.channels.sms).toBe(true);
  });

  it('returns frozen settings', () => {
    const settings = resolveRenewalSettings({ channels: { sms: false } });
    expect(Object.isFrozen(settings)).toBe(true);
    expect(Object.isFrozen(settings.channels)).toBe(true);
    expect(Object.isFrozen(DEFAULT_RENEWAL_SETTINGS.quietHours)).toBe(true);
  });

  it('throws with every issue at once', () => {
    try {
      resolveRenewalSettings({
        firstNoticeMonthsBefore: 0,
        radiationMonthsAfter: -1,
        timeZone: 'Mars/Olympus',
      });
      throw new Error('expected an error');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidRenewalSettingsError);
      expect((error as InvalidRenewalSettingsError).issues.map((issue) => issue.path)).toEqual([
        'firstNoticeMonthsBefore',
        'radiationMonthsAfter',
        'timeZone',
      ]);
    }
  });
});

describe(renewalSettingsIssues.name, () => {
  it('finds nothing wrong with no overrides', () => {
    expect(renewalSettingsIssues({})).toEqual([]);
  });

  it.each([
    [{ anniversaryBasis: 'birthday' }, 'anniversaryBasis'],
    [{ renewalWindowMonths: 0 }, 'renewalWindowMonths'],
    [{ firstNoticeMonthsBefore: 1.5 }, 'firstNoticeMonthsBefore'],
    [{ firstNoticeMonthsBefore: 12 }, 'firstNoticeMonthsBefore'],
    [{ registeredLetterMonthsBefore: -1 }, 'registeredLetterMonthsBefore'],
    [{ radiationMonthsAfter: '1' }, 'radiationMonthsAfter'],
    [{ reactivationWindowMonths: 25 }, 'reactivationWindowMonths'],
    [{ channels: { sms: 'yes' } }, 'channels.sms'],
    [{ channels: { fax: true } }, 'channels.fax'],
    [{ channels: true }, 'channels'],
    [{ paperForOnlineDemands: 1 }, 'paperForOnlineDemands'],
    [{ portalAddress: 'demande logement' }, 'portalAddress'],
    [{ portalAddress: '' }, 'portalAddress'],
    [{ portalUrl: 'javascript:alert(1)' }, 'portalUrl'],
    [{ portalUrl: 'www.demande-logement-social.gouv.fr' }, 'portalUrl'],
    [{ quietHours: { end: '24:00' } }, 'quietHours.end'],
    [{ quietHours: { start: '8:00' } }, 'quietHours.start'],
    [{ timeZone: 'CEST+2' }, 'timeZone'],
    [{ smsDelay: 3 }, 'smsDelay'],
  ])('refuses %j at %s', (overrides, path) => {
    expect(renewalSettingsIssues(overrides).map((issue) => issue.path)).toEqual([path]);
  });

  it('refuses a registered letter planned before the first notice', () => {
    expect(
      renewalSettingsIssues({ firstNoticeMonthsBefore: 1, registeredLetterMonthsBefore: 2 }),
    ).toEqual([
      { path: 'registeredLetterMonthsBefore', message: 'must not come before the first notice' },
    ]);
  });

  it('refuses a first notice earlier than the renewal window', () => {
    expect(renewalSettingsIssues({ firstNoticeMonthsBefore: 4 })).toEqual([
      { path: 'firstNoticeMonthsBefore', message: 'must fall within the renewal window' },
    ]);
    expect(renewalSettingsIssues({ firstNoticeMonthsBefore: 4, renewalWindowMonths: 4 })).toEqual(
      [],
    );
  });

  it('refuses overrides that are not an object', () => {
    expect(renewalSettingsIssues(null)).toEqual([{ path: '', message: 'must be an object' }]);
    expect(renewalSettingsIssues([])).toEqual([{ path: '', message: 'must be an object' }]);
  });
});

describe('the texts setting', () => {
  it('replaces one template and keeps the others', () => {
    const settings = resolveRenewalSettings({
      texts: { sms: 'Demande {numeroUnique} a renouveler sur {portalAddress}.' },
    });
    expect(settings.texts.sms).toBe('Demande {numeroUnique} a renouveler sur {portalAddress}.');
    expect(settings.texts.emailSubject).toBe(DEFAULT_RENEWAL_TEXTS.emailSubject);
  });

  it('refuses a placeholder the template is not filled with, an empty text, a malformed letter', () => {
    expect(
      renewalSettingsIssues({
        texts: {
          sms: 'Avant le {anniversary} : {numeroUnique}',
          emailText: ' ',
          registeredLetter: { title: 'Objet', lines: 'une seule ligne' },
          postcard: 'x',
        },
      }),
    ).toEqual([
      { path: 'texts.postcard', message: 'is not a renewal setting' },
      {
        path: 'texts.sms',
        message: 'uses {anniversary}: only {numeroUnique}, {portalAddress} are filled',
      },
      { path: 'texts.emailText', message: 'must be a non-empty text' },
      { path: 'texts.registeredLetter', message: 'must be { title: text, lines: [text…] }' },
    ]);
  });
});
