import { InvalidRenewalSettingsError, renewalSmsText } from '@sne/domain';
import { loadRenewalNoticesConfig } from './config';
import { renewalSettingsFrom } from './renewal-settings';

const env = (overrides: Record<string, string>) =>
  loadRenewalNoticesConfig({ NODE_ENV: 'test', ...overrides });

describe(renewalSettingsFrom.name, () => {
  it('reads the calendar, the quiet hours and the texts from RENEWAL_SETTINGS', () => {
    const settings = renewalSettingsFrom(
      env({
        PORTAL_URL: 'https://logement.example.fr',
        RENEWAL_SETTINGS: JSON.stringify({
          firstNoticeMonthsBefore: 3,
          quietHours: { start: '21:00' },
          texts: { sms: 'Renouvelez {numeroUnique} sur {portalAddress}' },
        }),
      }),
    );
    expect(settings).toMatchObject({
      firstNoticeMonthsBefore: 3,
      quietHours: { start: '21:00', end: '08:00' },
      portalUrl: 'https://logement.example.fr',
    });
    expect(renewalSmsText({ numeroUnique: '057 1215 073903 10691' }, settings)).toBe(
      'Renouvelez 057 1215 073903 10691 sur www.demande-logement-social.gouv.fr',
    );
  });

  it('stops the start with every problem of the overrides', () => {
    const attempt = () =>
      renewalSettingsFrom(
        env({
          RENEWAL_SETTINGS: JSON.stringify({
            radiationMonthsAfter: -1,
            texts: { sms: '{anniversary}' },
          }),
        }),
      );
    expect(attempt).toThrow(InvalidRenewalSettingsError);
    expect(attempt).toThrow(/radiationMonthsAfter.*texts\.sms/);
  });
});
