/**
 * Calendar dates as ISO `YYYY-MM-DD` strings, the one date arithmetic of the domain (the demand
 * model, the renewal calendar). Dates are days, not instants: the arithmetic works on year,
 * month and day numbers, or on UTC midnights, never on local time, so no time zone can shift a
 * date by one day. The day an instant falls on in a time zone is `dateInTimeZone`'s business.
 */

/** A calendar date, `YYYY-MM-DD`. Valid strings of this shape sort chronologically. */
export type IsoDate = string;

export interface CalendarDate {
  readonly year: number;
  /** 1 to 12. */
  readonly month: number;
  readonly day: number;
}

/** A string that should have been a calendar date; a `RangeError`. */
export class InvalidIsoDateError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidIsoDateError';
  }
}

const ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** `month` from 1 to 12. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** `2023-02-30`, `2023-13-01` and `0000-01-01` are not dates; only real calendar days pass. */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Year, month and day of a date; `what` names it in the error (`deposit date "…" is not…`). */
export function parseIsoDate(value: IsoDate, what = 'date'): CalendarDate {
  if (!isIsoDate(value)) {
    throw new InvalidIsoDateError(`${what} "${String(value)}" is not a YYYY-MM-DD date`);
  }
  return {
    year: Number(value.slice(0, 4)),
    month: Number(value.slice(5, 7)),
    day: Number(value.slice(8, 10)),
  };
}

export function formatIsoDate({ year, month, day }: CalendarDate): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The UTC calendar day of an instant. */
export function isoDateOf(instant: Date): IsoDate {
  if (Number.isNaN(instant.getTime())) throw new RangeError('invalid instant');
  return formatIsoDate({
    year: instant.getUTCFullYear(),
    month: instant.getUTCMonth() + 1,
    day: instant.getUTCDate(),
  });
}

/** For `sort`: negative when `a` is the earlier date. */
export function compareIsoDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function laterOf(a: IsoDate, b: IsoDate): IsoDate {
  return a >= b ? a : b;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const { year, month, day } = parseIsoDate(date);
  const moved = new Date(0);
  // Not `Date.UTC`, which reads years 0 to 99 as 1900 to 1999.
  moved.setUTCFullYear(year, month - 1, day + days);
  return isoDateOf(moved);
}

/**
 * Adds calendar months; a day missing in the target month becomes that month's last day
 * (31 March + 1 month = 30 April, 30 September + 5 months = 28 or 29 February, 31 December −
 * 2 months = 31 October).
 */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const { year, month, day } = parseIsoDate(date);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12 + 1;
  return formatIsoDate({
    year: targetYear,
    month: targetMonth,
    day: Math.min(day, daysInMonth(targetYear, targetMonth)),
  });
}

/** Adds years; 29 February becomes 28 February in a common year. */
export function addYears(date: IsoDate, years: number): IsoDate {
  return addMonths(date, years * 12);
}

/** Whole years from `from` to `to` (an age when `from` is a birth date); negative when before. */
export function wholeYearsBetween(from: IsoDate, to: IsoDate): number {
  const start = parseIsoDate(from);
  const end = parseIsoDate(to);
  let years = end.year - start.year;
  if (end.month < start.month || (end.month === start.month && end.day < start.day)) years--;
  return years;
}
