import fc from 'fast-check';
import { addDays, formatIsoDate } from '../dates';
import { resolveRenewalSettings } from './renewal-settings';

/**
 * fast-check arbitraries for the property tests of the renewal calendar and of its agreement
 * with the demand rules. Test code only: nothing exports it.
 */

/** Days of 2000 to 2040, month ends often: day 29 to 31 of a shorter month spill into the next. */
export const anIsoDate = fc
  .record({
    year: fc.integer({ min: 2000, max: 2040 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
  })
  .map(({ year, month, day }) => addDays(formatIsoDate({ year, month, day: 1 }), day - 1));

/** Any valid renewal settings: anniversary rules, notice offsets and channels. */
export const someRenewalSettings = fc
  .record({
    renewalWindowMonths: fc.integer({ min: 1, max: 11 }),
    first: fc.integer({ min: 0, max: 10 }),
    registered: fc.integer({ min: 0, max: 11 }),
    radiationMonthsAfter: fc.integer({ min: 0, max: 11 }),
    reactivationWindowMonths: fc.integer({ min: 0, max: 24 }),
    anniversaryBasis: fc.constantFrom('deposit-anniversary' as const, 'last-renewal' as const),
    channels: fc.record({
      email: fc.boolean(),
      sms: fc.boolean(),
      plainLetter: fc.boolean(),
      registeredLetter: fc.boolean(),
    }),
    paperForOnlineDemands: fc.boolean(),
  })
  .map(({ first, registered, ...rest }) => {
    const firstNoticeMonthsBefore = 1 + (first % rest.renewalWindowMonths);
    return resolveRenewalSettings({
      ...rest,
      firstNoticeMonthsBefore,
      registeredLetterMonthsBefore: registered % (firstNoticeMonthsBefore + 1),
    });
  });
