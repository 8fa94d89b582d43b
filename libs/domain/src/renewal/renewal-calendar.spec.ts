import { InvalidIsoDateError } from '../dates';
import {
  currentCycle,
  noticeJobId,
  noticesDue,
  plannedNotices,
  reactivationEligibility,
  RenewalSubject,
} from './renewal-calendar';
import { resolveRenewalSettings } from './renewal-settings';

/** The seeds' demand: deposited 26/05/2014, renewed at a guichet on 18/05/2015. */
function subject(overrides: Partial<RenewalSubject> = {}): RenewalSubject {
  return {
    numeroUnique: '057 1215 073903 10691',
    depositDate: '2014-05-26',
    renewals: [{ date: '2015-05-18', online: false }],
    createdOnline: false,
    hasEmail: true,
    hasMobile: true,
    state: 'active',
    ...overrides,
  };
}

const radiatedForNonRenewal = (date: string) =>
  subject({ state: 'radiated', radiation: { date, motive: 'RADREN' } });

describe(currentCycle.name, () => {
  it('starts with the first anniversary of the deposit', () => {
    expect(currentCycle(subject({ renewals: [] }))).toBe('2015-05-26');
  });

  it('keeps the anniversary of the initial deposit', () => {
    expect(currentCycle(subject())).toBe('2016-05-26');
  });

  it('counts a renewal in the month after the anniversary for that anniversary', () => {
    expect(currentCycle(subject({ renewals: [{ date: '2015-06-26', online: false }] }))).toBe(
      '2016-05-26',
    );
  });

  it('changes nothing on a second renewal within the same renewal period', () => {
    const renewals = [
      { date: '2015-05-18', online: false },
      { date: '2015-06-10', online: true },
    ];
    expect(currentCycle(subject({ renewals }))).toBe('2016-05-26');
  });

  it('moves on one cycle per renewal period', () => {
    const renewals = [
      { date: '2015-05-18', online: false },
      { date: '2016-04-02', online: false },
      { date: '2017-06-01', online: false },
    ];
    expect(currentCycle(subject({ renewals }))).toBe('2018-05-26');
  });

  it('renews the anniversary from three months before it', () => {
    const renewedOn = (date: string) => subject({ renewals: [{ date, online: false }] });
    expect(currentCycle(renewedOn('2015-02-26'))).toBe('2016-05-26');
    expect(currentCycle(renewedOn('2015-02-25'))).toBe('2015-05-26');
  });

  it('reads the renewals in the order they happened, whatever their order in the subject', () => {
    const renewals = [
      { date: '2017-06-01', online: false },
      { date: '2015-05-18', online: false },
      { date: '2016-04-02', online: false },
    ];
    expect(currentCycle(subject({ renewals }))).toBe('2018-05-26');
  });

  it('leaves the anniversary where it is after a renewal made earlier than that', () => {
    const renewals = [
      { date: '2015-05-18', online: false },
      { date: '2016-01-10', online: false },
    ];
    expect(currentCycle(subject({ renewals }))).toBe('2016-05-26');
  });

  it("takes the register's anniversary date when the subject carries it", () => {
    expect(currentCycle(subject({ anniversaryDate: '2016-06-03' }))).toBe('2016-06-03');
    expect(plannedNotices(subject({ anniversaryDate: '2016-06-03' }))[0]).toEqual({
      cycle: '2016-06-03',
      kind: 'email',
      dueDate: '2016-04-03',
    });
  });

  it('ignores renewals dated after today', () => {
    expect(currentCycle(subject(), '2015-05-17')).toBe('2015-05-26');
    expect(currentCycle(subject(), '2015-05-18')).toBe('2016-05-26');
  });

  it('ignores renewals dated on or before the deposit', () => {
    expect(currentCycle(subject({ renewals: [{ date: '2014-05-26', online: false }] }))).toBe(
      '2015-05-26',
    );
  });

  it('opens the cycle of the next deposit anniversary after a reactivation', () => {
    // Not renewed for 2016-05-26, radiated on 2016-06-26, reactivated on 2016-09-01.
    const reactivated = subject({ reactivations: [{ date: '2016-09-01' }] });
    expect(currentCycle(reactivated)).toBe('2017-05-26');
    expect(currentCycle(reactivated, '2016-08-31')).toBe('2016-05-26');
  });

  it('has no cycle for a radiated demand or one not registered yet', () => {
    expect(currentCycle(radiatedForNonRenewal('2016-06-26'))).toBeNull();
    expect(currentCycle(subject({ state: 'awaiting-validation' }))).toBeNull();
  });

  it('counts from the last renewal or reactivation on the last-renewal basis', () => {
    const settings = resolveRenewalSettings({ anniversaryBasis: 'last-renewal' });
    expect(currentCycle(subject(), undefined, settings)).toBe('2016-05-18');
    expect(currentCycle(subject({ renewals: [] }), undefined, settings)).toBe('2015-05-26');
    expect(
      currentCycle(subject({ reactivations: [{ date: '2016-09-01' }] }), undefined, settings),
    ).toBe('2017-09-01');
  });

  it('refuses malformed dates', () => {
    expect(() => currentCycle(subject({ depositDate: '26/05/2014' }))).toThrow(InvalidIsoDateError);
    expect(() =>
      currentCycle(subject({ renewals: [{ date: '2015-02-30', online: false }] })),
    ).toThrow(InvalidIsoDateError);
  });
});

describe(plannedNotices.name, () => {
  it('notifies by email and SMS two months before the anniversary, by registered letter one month before, and radiates one month after', () => {
    expect(plannedNotices(subject())).toEqual([
      { cycle: '2016-05-26', kind: 'email', dueDate: '2016-03-26' },
      { cycle: '2016-05-26', kind: 'sms', dueDate: '2016-03-26' },
      { cycle: '2016-05-26', kind: 'registered-letter', dueDate: '2016-04-26' },
      { cycle: '2016-05-26', kind: 'radiation-for-non-renewal', dueDate: '2016-06-26' },
    ]);
  });

  it('sends a plain letter instead when the applicant has neither email nor mobile', () => {
    expect(plannedNotices(subject({ hasEmail: false, hasMobile: false }))).toEqual([
      { cycle: '2016-05-26', kind: 'plain-letter', dueDate: '2016-03-26' },
      { cycle: '2016-05-26', kind: 'registered-letter', dueDate: '2016-04-26' },
      { cycle: '2016-05-26', kind: 'radiation-for-non-renewal', dueDate: '2016-06-26' },
    ]);
  });

  it('sends only the email to an applicant without a mobile, only the SMS to one without email', () => {
    const kinds = (s: RenewalSubject) => plannedNotices(s).map((notice) => notice.kind);
    expect(kinds(subject({ hasMobile: false }))).toEqual([
      'email',
      'registered-letter',
      'radiation-for-non-renewal',
    ]);
    expect(kinds(subject({ hasEmail: false }))).toEqual([
      'sms',
      'registered-letter',
      'radiation-for-non-renewal',
    ]);
  });

  it('sends no SMS to an applicant who refused SMS notifications', () => {
    const kinds = (s: RenewalSubject) => plannedNotices(s).map((notice) => notice.kind);
    expect(kinds(subject({ smsConsent: false }))).toEqual([
      'email',
      'registered-letter',
      'radiation-for-non-renewal',
    ]);
    expect(kinds(subject({ smsConsent: false, hasEmail: false }))).toEqual([
      'plain-letter',
      'registered-letter',
      'radiation-for-non-renewal',
    ]);
  });

  it('sends no paper for a demand created online', () => {
    expect(plannedNotices(subject({ createdOnline: true }))).toEqual([
      { cycle: '2016-05-26', kind: 'email', dueDate: '2016-03-26' },
      { cycle: '2016-05-26', kind: 'sms', dueDate: '2016-03-26' },
      { cycle: '2016-05-26', kind: 'radiation-for-non-renewal', dueDate: '2016-06-26' },
    ]);
  });

  it('sends no paper for a demand renewed online at least once, even if later renewed at a guichet', () => {
    const renewals = [
      { date: '2015-05-18', online: true },
      { date: '2016-05-02', online: false },
    ];
    expect(plannedNotices(subject({ renewals })).map((notice) => notice.kind)).toEqual([
      'email',
      'sms',
      'radiation-for-non-renewal',
    ]);
  });

  it('plans only the radiation for an online demand that lost its email and mobile', () => {
    expect(
      plannedNotices(subject({ createdOnline: true, hasEmail: false, hasMobile: false })),
    ).toEqual([{ cycle: '2016-05-26', kind: 'radiation-for-non-renewal', dueDate: '2016-06-26' }]);
  });

  it('clamps month ends for a deposit on 31 December', () => {
    expect(plannedNotices(subject({ depositDate: '2015-12-31', renewals: [] }))).toEqual([
      { cycle: '2016-12-31', kind: 'email', dueDate: '2016-10-31' },
      { cycle: '2016-12-31', kind: 'sms', dueDate: '2016-10-31' },
      { cycle: '2016-12-31', kind: 'registered-letter', dueDate: '2016-11-30' },
      { cycle: '2016-12-31', kind: 'radiation-for-non-renewal', dueDate: '2017-01-31' },
    ]);
  });

  it('sends the registered letter on the last day of February for a 31 March anniversary', () => {
    const dueDate = (depositDate: string) =>
      plannedNotices(subject({ depositDate, renewals: [] })).find(
        (notice) => notice.kind === 'registered-letter',
      )?.dueDate;
    expect(dueDate('2015-03-31')).toBe('2016-02-29');
    expect(dueDate('2016-03-31')).toBe('2017-02-28');
  });

  it('follows the 28 February anniversary of a 29 February deposit in a common year', () => {
    expect(plannedNotices(subject({ depositDate: '2016-02-29', renewals: [] }))).toEqual([
      { cycle: '2017-02-28', kind: 'email', dueDate: '2016-12-28' },
      { cycle: '2017-02-28', kind: 'sms', dueDate: '2016-12-28' },
      { cycle: '2017-02-28', kind: 'registered-letter', dueDate: '2017-01-28' },
      { cycle: '2017-02-28', kind: 'radiation-for-non-renewal', dueDate: '2017-03-28' },
    ]);
  });

  it('follows the offsets and channels of the settings', () => {
    const settings = resolveRenewalSettings({
      firstNoticeMonthsBefore: 3,
      radiationMonthsAfter: 2,
      channels: { registeredLetter: false, sms: false },
    });
    expect(plannedNotices(subject(), settings)).toEqual([
      { cycle: '2016-05-26', kind: 'email', dueDate: '2016-02-26' },
      { cycle: '2016-05-26', kind: 'radiation-for-non-renewal', dueDate: '2016-07-26' },
    ]);
  });

  it('plans nothing for a radiated demand', () => {
    expect(plannedNotices(radiatedForNonRenewal('2016-06-26'))).toEqual([]);
  });
});

describe(noticesDue.name, () => {
  it('returns nothing before the first notice is due', () => {
    expect(noticesDue(subject(), '2016-03-25', [])).toEqual([]);
  });

  it('returns the email and the SMS on the day they fall due', () => {
    expect(noticesDue(subject(), '2016-03-26', [])).toEqual([
      { cycle: '2016-05-26', kind: 'email', dueDate: '2016-03-26' },
      { cycle: '2016-05-26', kind: 'sms', dueDate: '2016-03-26' },
    ]);
  });

  it('keeps returning a notice until it is marked sent', () => {
    expect(noticesDue(subject(), '2016-04-02', []).map((notice) => notice.kind)).toEqual([
      'email',
      'sms',
    ]);
    expect(
      noticesDue(subject(), '2016-04-02', [{ cycle: '2016-05-26', kind: 'email' }]).map(
        (notice) => notice.kind,
      ),
    ).toEqual(['sms']);
  });

  it('returns the registered letter one month before the anniversary when not renewed', () => {
    const sent = [
      { cycle: '2016-05-26', kind: 'email' as const },
      { cycle: '2016-05-26', kind: 'sms' as const },
    ];
    expect(noticesDue(subject(), '2016-04-25', sent)).toEqual([]);
    expect(noticesDue(subject(), '2016-04-26', sent)).toEqual([
      { cycle: '2016-05-26', kind: 'registered-letter', dueDate: '2016-04-26' },
    ]);
  });

  it('cancels everything pending of the cycle once the demand is renewed', () => {
    const renewed = subject({
      renewals: [...subject().renewals, { date: '2016-04-20', online: false }],
    });
    expect(noticesDue(renewed, '2016-04-19', [])).toHaveLength(2);
    expect(noticesDue(renewed, '2016-04-20', [])).toEqual([]);
    expect(noticesDue(renewed, '2016-06-26', [])).toEqual([]);
    expect(noticesDue(renewed, '2017-03-26', []).map((notice) => notice.cycle)).toEqual([
      '2017-05-26',
      '2017-05-26',
    ]);
  });

  it('still sends the notices of the cycle after a notice of the previous cycle', () => {
    const sentLastYear = [
      { cycle: '2015-05-26', kind: 'email' as const },
      { cycle: '2015-05-26', kind: 'sms' as const },
    ];
    expect(noticesDue(subject(), '2016-03-26', sentLastYear)).toHaveLength(2);
  });

  it('radiates one month after the anniversary, not a day earlier', () => {
    const sent = (['email', 'sms', 'registered-letter'] as const).map((kind) => ({
      cycle: '2016-05-26',
      kind,
    }));
    expect(noticesDue(subject(), '2016-06-25', sent)).toEqual([]);
    expect(noticesDue(subject(), '2016-06-26', sent)).toEqual([
      { cycle: '2016-05-26', kind: 'radiation-for-non-renewal', dueDate: '2016-06-26' },
    ]);
  });

  it('drops the notices it missed once the radiation is due', () => {
    expect(noticesDue(subject(), '2016-07-10', [])).toEqual([
      { cycle: '2016-05-26', kind: 'radiation-for-non-renewal', dueDate: '2016-06-26' },
    ]);
  });

  it('returns nothing once the radiation was ordered, before the register confirms it', () => {
    const ordered = [{ cycle: '2016-05-26', kind: 'radiation-for-non-renewal' as const }];
    expect(noticesDue(subject(), '2016-06-27', ordered)).toEqual([]);
  });

  it('returns nothing for a radiated demand', () => {
    expect(noticesDue(radiatedForNonRenewal('2016-06-26'), '2016-07-01', [])).toEqual([]);
  });

  it('returns the first notice of the new cycle after a reactivation, in due time', () => {
    const reactivated = subject({ reactivations: [{ date: '2016-09-01' }] });
    expect(noticesDue(reactivated, '2016-09-01', [])).toEqual([]);
    expect(noticesDue(reactivated, '2017-03-26', []).map((notice) => notice.cycle)).toEqual([
      '2017-05-26',
      '2017-05-26',
    ]);
  });

  it('decides paper by what was known today', () => {
    const laterOnline = subject({
      hasEmail: false,
      hasMobile: false,
      renewals: [
        { date: '2015-05-18', online: false },
        { date: '2016-05-20', online: true },
      ],
    });
    expect(noticesDue(laterOnline, '2016-03-26', []).map((notice) => notice.kind)).toEqual([
      'plain-letter',
    ]);
  });
});

describe(reactivationEligibility.name, () => {
  it('allows a reactivation up to five months after a radiation for non-renewal, that day included', () => {
    expect(reactivationEligibility(radiatedForNonRenewal('2016-06-26'), '2016-11-26')).toEqual({
      allowed: true,
      deadline: '2016-11-26',
    });
  });

  it('refuses it one day later', () => {
    expect(reactivationEligibility(radiatedForNonRenewal('2016-06-26'), '2016-11-27')).toEqual({
      allowed: false,
      reason: 'window-closed',
      deadline: '2016-11-26',
    });
  });

  it('refuses it before the radiation', () => {
    expect(
      reactivationEligibility(radiatedForNonRenewal('2016-06-26'), '2016-06-25'),
    ).toMatchObject({ allowed: false, reason: 'window-closed' });
  });

  it('refuses to reactivate a demand radiated for another motive', () => {
    const abandoned = subject({
      state: 'radiated',
      radiation: { date: '2016-06-26', motive: 'RADABA' },
    });
    expect(reactivationEligibility(abandoned, '2016-07-01')).toEqual({
      allowed: false,
      reason: 'not-radiated-for-non-renewal',
    });
  });

  it('refuses to reactivate a demand that is not radiated', () => {
    expect(reactivationEligibility(subject(), '2016-07-01')).toEqual({
      allowed: false,
      reason: 'not-radiated',
    });
  });

  it('follows the window of the settings', () => {
    const settings = resolveRenewalSettings({ reactivationWindowMonths: 2 });
    expect(
      reactivationEligibility(radiatedForNonRenewal('2016-06-26'), '2016-09-26', settings),
    ).toMatchObject({ allowed: false });
  });
});

describe(`${reactivationEligibility.name} deadline`, () => {
  it('clamps to the end of a shorter month', () => {
    const deadline = (radiationDate: string) =>
      reactivationEligibility(radiatedForNonRenewal(radiationDate), radiationDate);
    expect(deadline('2016-09-30')).toMatchObject({ allowed: true, deadline: '2017-02-28' });
    expect(deadline('2015-09-30')).toMatchObject({ allowed: true, deadline: '2016-02-29' });
  });
});

describe(noticeJobId.name, () => {
  it('derives the same id from the same demand, cycle and kind', () => {
    expect(noticeJobId('057 1215 073903 10691', '2016-05-26', 'registered-letter')).toBe(
      'renewal-notice/057%201215%20073903%2010691/2016-05-26/registered-letter',
    );
    expect(noticeJobId('057 1215 073903 10691', '2016-05-26', 'email')).toBe(
      noticeJobId('057 1215 073903 10691', '2016-05-26', 'email'),
    );
  });

  it('never contains a colon', () => {
    expect(noticeJobId('NAT:2026:000001', '2026-05-26', 'sms')).not.toContain(':');
  });

  it('differs per cycle and per kind', () => {
    const ids = new Set([
      noticeJobId('057 1215 073903 10691', '2016-05-26', 'email'),
      noticeJobId('057 1215 073903 10691', '2016-05-26', 'sms'),
      noticeJobId('057 1215 073903 10691', '2017-05-26', 'email'),
    ]);
    expect(ids.size).toBe(3);
  });

  it('refuses a cycle that is not a date', () => {
    expect(() => noticeJobId('057 1215 073903 10691', '26/05/2016', 'email')).toThrow(
      InvalidIsoDateError,
    );
  });
});
