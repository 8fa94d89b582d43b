import fc from 'fast-check';
import { addDays, addMonths, isoDateOf, parseIsoDate } from '../dates';
import {
  anniversaryAfterReactivation,
  cycleAnniversary,
  DEFAULT_ANNIVERSARY_RULES,
  firstAnniversary,
  isWithinReactivationWindow,
  lastReactivationDate,
  nextAnniversary,
  nonRenewalRadiationDate,
  type AnniversaryRules,
} from './anniversary';

const rules = (overrides: Partial<AnniversaryRules>): AnniversaryRules => ({
  ...DEFAULT_ANNIVERSARY_RULES,
  ...overrides,
});
const LAST_RENEWAL = rules({ anniversaryBasis: 'last-renewal' });

describe(cycleAnniversary.name, () => {
  it('counts every anniversary from the deposit', () => {
    expect(cycleAnniversary('2014-05-26', 0)).toBe('2014-05-26');
    expect(cycleAnniversary('2014-05-26', 1)).toBe('2015-05-26');
    expect(cycleAnniversary('2014-05-26', 2)).toBe('2016-05-26');
    expect(cycleAnniversary('2014-05-26', 6)).toBe('2020-05-26');
  });

  it('falls on 28 February in common years for a 29 February deposit, and on the 29th again in leap years', () => {
    expect(cycleAnniversary('2016-02-29', 1)).toBe('2017-02-28');
    expect(cycleAnniversary('2016-02-29', 3)).toBe('2019-02-28');
    expect(cycleAnniversary('2016-02-29', 4)).toBe('2020-02-29');
  });

  it('refuses a cycle that is not a whole number', () => {
    expect(() => cycleAnniversary('2014-05-26', -1)).toThrow(RangeError);
    expect(() => cycleAnniversary('2014-05-26', 1.5)).toThrow(RangeError);
  });
});

describe(firstAnniversary.name, () => {
  it('is one year after the deposit', () => {
    expect(firstAnniversary('2025-05-26')).toBe('2026-05-26');
    expect(firstAnniversary('2024-02-29')).toBe('2025-02-28');
  });
});

describe(nextAnniversary.name, () => {
  it('keeps the anniversary of the initial deposit (seed: 2014-05-26, renewed 2015-05-18)', () => {
    expect(nextAnniversary('2014-05-26', '2015-05-18')).toBe('2016-05-26');
  });

  it('renews the anniversary just passed during the month of grace', () => {
    expect(nextAnniversary('2014-05-26', '2015-06-20')).toBe('2016-05-26');
    expect(nextAnniversary('2014-05-26', '2015-06-26')).toBe('2016-05-26');
  });

  it('renews the coming anniversary from 3 months before it', () => {
    expect(nextAnniversary('2014-05-26', '2015-02-26')).toBe('2016-05-26');
  });

  it('leaves the anniversary where it is for an earlier renewal', () => {
    expect(nextAnniversary('2014-05-26', '2015-02-25')).toBe('2015-05-26');
    expect(nextAnniversary('2014-05-26', '2014-06-02')).toBe('2015-05-26');
  });

  it('gives the same date for two renewals in one cycle', () => {
    expect(nextAnniversary('2014-05-26', '2015-06-01')).toBe(
      nextAnniversary('2014-05-26', '2015-04-01'),
    );
  });

  it('falls on 28 February in common years for a 29 February deposit, and back on the 29th', () => {
    expect(nextAnniversary('2016-02-29', '2017-02-01')).toBe('2018-02-28');
    expect(nextAnniversary('2016-02-29', '2023-02-01')).toBe('2024-02-29');
  });

  it('opens the window on the day that is 3 months before, at month ends too', () => {
    // 28 November + 3 months = 28 February 2016, the day before the anniversary.
    expect(nextAnniversary('2012-02-29', '2015-11-28')).toBe('2016-02-29');
    expect(nextAnniversary('2012-02-29', '2015-11-29')).toBe('2017-02-28');
    // No 30 or 31 February: the window of a 31 May anniversary opens on 1 March.
    expect(nextAnniversary('2014-05-31', '2016-02-29')).toBe('2016-05-31');
    expect(nextAnniversary('2014-05-31', '2016-03-01')).toBe('2017-05-31');
  });

  it('counts one year from the renewal with the last-renewal basis', () => {
    expect(nextAnniversary('2014-05-26', '2015-05-18', LAST_RENEWAL)).toBe('2016-05-18');
    expect(nextAnniversary('2014-05-26', '2024-02-29', LAST_RENEWAL)).toBe('2025-02-28');
  });

  it('counts a renewal dated on or before the deposit for nothing, whatever the basis', () => {
    expect(nextAnniversary('2014-05-26', '2014-05-26')).toBe('2015-05-26');
    expect(nextAnniversary('2014-05-26', '2014-05-25', LAST_RENEWAL)).toBe('2015-05-26');
    expect(nextAnniversary('2014-05-26', '2013-12-01', LAST_RENEWAL)).toBe('2015-05-26');
  });

  it('takes another renewal window', () => {
    expect(nextAnniversary('2014-05-26', '2015-03-20', rules({ renewalWindowMonths: 2 }))).toBe(
      '2015-05-26',
    );
    expect(nextAnniversary('2014-05-26', '2015-03-26', rules({ renewalWindowMonths: 2 }))).toBe(
      '2016-05-26',
    );
  });

  it('is always an anniversary of the deposit, within the year after the renewal window', () => {
    const day = fc
      .date({ min: new Date('2000-01-01'), max: new Date('2060-12-31'), noInvalidDate: true })
      .map(isoDateOf);
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 1, max: 11 }),
        (depositDate, days, renewalWindowMonths) => {
          const renewedOn = addDays(depositDate, days);
          const next = nextAnniversary(depositDate, renewedOn, rules({ renewalWindowMonths }));
          const deposit = parseIsoDate(depositDate);
          const { year } = parseIsoDate(next);
          expect(next).toBe(cycleAnniversary(depositDate, year - deposit.year));
          expect(year).toBeGreaterThan(deposit.year);
          const threshold = addMonths(renewedOn, renewalWindowMonths);
          expect(next > threshold).toBe(true);
          expect(next <= addMonths(threshold, 12)).toBe(true);
        },
      ),
    );
  });
});

describe(anniversaryAfterReactivation.name, () => {
  it('is the first anniversary of the deposit after the reactivation', () => {
    // Not renewed for 2016-05-26, radiated on 2016-06-26, reactivated on 2016-09-01.
    expect(anniversaryAfterReactivation('2014-05-26', '2016-09-01')).toBe('2017-05-26');
    expect(anniversaryAfterReactivation('2014-05-26', '2016-06-26')).toBe('2017-05-26');
  });

  it('counts no renewal window: a reactivation three months before an anniversary keeps it', () => {
    expect(anniversaryAfterReactivation('2014-05-26', '2017-03-01')).toBe('2017-05-26');
    expect(nextAnniversary('2014-05-26', '2017-03-01')).toBe('2018-05-26');
  });

  it('counts one year from the reactivation with the last-renewal basis', () => {
    expect(anniversaryAfterReactivation('2014-05-26', '2016-09-01', LAST_RENEWAL)).toBe(
      '2017-09-01',
    );
  });
});

describe(nonRenewalRadiationDate.name, () => {
  it('is one month after the anniversary, at the month end when needed', () => {
    expect(nonRenewalRadiationDate('2026-05-26')).toBe('2026-06-26');
    expect(nonRenewalRadiationDate('2026-01-31')).toBe('2026-02-28');
  });

  it('follows the grace period of the rules', () => {
    expect(nonRenewalRadiationDate('2026-05-26', rules({ radiationMonthsAfter: 0 }))).toBe(
      '2026-05-26',
    );
    expect(nonRenewalRadiationDate('2026-05-26', rules({ radiationMonthsAfter: 2 }))).toBe(
      '2026-07-26',
    );
  });
});

describe(lastReactivationDate.name, () => {
  it('is five months after the radiation, at the month end when needed', () => {
    expect(lastReactivationDate('2016-06-26')).toBe('2016-11-26');
    expect(lastReactivationDate('2023-09-30')).toBe('2024-02-29');
    expect(lastReactivationDate('2016-09-30')).toBe('2017-02-28');
    expect(lastReactivationDate('2024-03-31')).toBe('2024-08-31');
  });
});

describe(isWithinReactivationWindow.name, () => {
  it('runs from the radiation to its last day, both included', () => {
    expect(isWithinReactivationWindow('2016-06-26', '2016-06-25')).toBe(false);
    expect(isWithinReactivationWindow('2016-06-26', '2016-06-26')).toBe(true);
    expect(isWithinReactivationWindow('2016-06-26', '2016-11-26')).toBe(true);
    expect(isWithinReactivationWindow('2016-06-26', '2016-11-27')).toBe(false);
  });

  it('follows the window of the rules', () => {
    const twoMonths = rules({ reactivationWindowMonths: 2 });
    expect(isWithinReactivationWindow('2016-06-26', '2016-08-26', twoMonths)).toBe(true);
    expect(isWithinReactivationWindow('2016-06-26', '2016-09-26', twoMonths)).toBe(false);
  });
});
