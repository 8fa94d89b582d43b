import { addMonths, laterOf, parseIsoDate, type IsoDate } from '../dates';

/**
 * The one rule for a demand's anniversary, its "date du prochain renouvellement": the registration
 * app stores it on every renewal and reactivation (the demand rules), the renewal-notices app plans
 * its notices and the radiation from it (the renewal calendar). Both call these functions with
 * the same `AnniversaryRules` (the renewal settings are some), so they cannot disagree.
 */

export const ANNIVERSARY_BASES = ['deposit-anniversary', 'last-renewal'] as const;
/**
 * `deposit-anniversary` (the seeds' screens): every cycle ends on an anniversary of the initial
 * deposit. `last-renewal` (the wording of the law): a cycle ends one year after the deposit, the
 * last renewal or the last reactivation.
 */
export type AnniversaryBasis = (typeof ANNIVERSARY_BASES)[number];

export interface AnniversaryRules {
  readonly anniversaryBasis: AnniversaryBasis;
  /**
   * A renewal made up to this many months before an anniversary, or after it, renews that
   * anniversary; an earlier one leaves the anniversary where it is.
   */
  readonly renewalWindowMonths: number;
  /** A demand not renewed is radiated (RADREN) this many months after its anniversary. */
  readonly radiationMonthsAfter: number;
  /** A guichet may reactivate up to this many months after a radiation for non-renewal. */
  readonly reactivationWindowMonths: number;
}

/** The seeds' practice (2016): 3-month renewal window, 1 month of grace, 5 months to reactivate. */
export const DEFAULT_ANNIVERSARY_RULES: AnniversaryRules = Object.freeze({
  anniversaryBasis: 'deposit-anniversary',
  renewalWindowMonths: 3,
  radiationMonthsAfter: 1,
  reactivationWindowMonths: 5,
});

/**
 * The anniversary ending the `renewalCycle`-th cycle of a deposit (0 is the deposit itself).
 * Always counted from the deposit, never from the previous anniversary: a 29 February deposit
 * falls due on 28 February in common years (not 1 March: the demand is never valid a day longer
 * than a year) and on 29 February again in leap years, instead of drifting to the 28th for good.
 */
export function cycleAnniversary(depositDate: IsoDate, renewalCycle: number): IsoDate {
  if (!Number.isInteger(renewalCycle) || renewalCycle < 0) {
    throw new RangeError(`renewal cycle ${renewalCycle} is not a whole number ≥ 0`);
  }
  return addMonths(depositDate, 12 * renewalCycle);
}

/** The first anniversary after the deposit: when a new demand must first be renewed. */
export function firstAnniversary(depositDate: IsoDate): IsoDate {
  return cycleAnniversary(depositDate, 1);
}

/**
 * The anniversary a renewal made on `renewedOn` sets. On the `deposit-anniversary` basis, the
 * first anniversary of the deposit more than `renewalWindowMonths` after the renewal. Seed
 * example: deposited 2014-05-26, renewed 2015-05-18 → 2016-05-26. A renewal in the 3 months
 * before the anniversary, or in the month of grace after it, moves it one year on; renewing twice
 * in a cycle gives the same date; a renewal earlier than that keeps the current anniversary. On
 * the `last-renewal` basis, one year after the renewal. A renewal dated on or before the deposit
 * renews nothing: it gives the first anniversary.
 */
export function nextAnniversary(
  depositDate: IsoDate,
  renewedOn: IsoDate,
  rules: AnniversaryRules = DEFAULT_ANNIVERSARY_RULES,
): IsoDate {
  return anniversaryFrom(depositDate, renewedOn, rules.renewalWindowMonths, rules);
}

/**
 * The anniversary a reactivation on `reactivatedOn` sets: the first anniversary of the deposit
 * after it (or one year after it on the `last-renewal` basis). Reactivation is only possible
 * within months of the missed anniversary, so this is the missed anniversary + 1 year: the demand
 * keeps its day of anniversary, its number and its seniority.
 */
export function anniversaryAfterReactivation(
  depositDate: IsoDate,
  reactivatedOn: IsoDate,
  rules: AnniversaryRules = DEFAULT_ANNIVERSARY_RULES,
): IsoDate {
  return anniversaryFrom(depositDate, reactivatedOn, 0, rules);
}

function anniversaryFrom(
  depositDate: IsoDate,
  eventDate: IsoDate,
  windowMonths: number,
  rules: AnniversaryRules,
): IsoDate {
  const from = laterOf(depositDate, eventDate);
  if (rules.anniversaryBasis === 'last-renewal') return addMonths(from, 12);
  const threshold = addMonths(from, windowMonths);
  // Anniversaries of earlier years cannot be after the threshold.
  let cycle = Math.max(1, parseIsoDate(threshold).year - parseIsoDate(depositDate).year);
  while (cycleAnniversary(depositDate, cycle) <= threshold) cycle += 1;
  return cycleAnniversary(depositDate, cycle);
}

/** The day a demand not renewed is radiated (RADREN): its anniversary + the month of grace. */
export function nonRenewalRadiationDate(
  anniversaryDate: IsoDate,
  rules: AnniversaryRules = DEFAULT_ANNIVERSARY_RULES,
): IsoDate {
  return addMonths(anniversaryDate, rules.radiationMonthsAfter);
}

/** The last day a demand radiated on `radiationDate` for non-renewal may be reactivated. */
export function lastReactivationDate(
  radiationDate: IsoDate,
  rules: AnniversaryRules = DEFAULT_ANNIVERSARY_RULES,
): IsoDate {
  return addMonths(radiationDate, rules.reactivationWindowMonths);
}

/**
 * Whether `date` is within the reactivation window of a radiation for non-renewal: from the
 * radiation date to `lastReactivationDate`, both included (radiated 30 September: until 28
 * February, or 29 in a leap year). A tolerance, not a right.
 */
export function isWithinReactivationWindow(
  radiationDate: IsoDate,
  date: IsoDate,
  rules: AnniversaryRules = DEFAULT_ANNIVERSARY_RULES,
): boolean {
  return date >= radiationDate && date <= lastReactivationDate(radiationDate, rules);
}
