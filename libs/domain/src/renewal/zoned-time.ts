import { addDays, formatIsoDate } from '../dates';

/**
 * Wall-clock time in a named time zone, with nothing but `Intl`: the day a notice is due is the
 * day in Paris, and no SMS should wake anyone up, on DST days included.
 */

export const PARIS_TIME_ZONE = 'Europe/Paris';

export interface QuietHours {
  /** Local `HH:MM` at which sending stops. */
  readonly start: string;
  /** Local `HH:MM` at which sending resumes. Equal to `start`: no quiet hours at all. */
  readonly end: string;
}

export const DEFAULT_QUIET_HOURS: QuietHours = Object.freeze({ start: '20:00', end: '08:00' });

const HH_MM = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;

export function isTimeOfDay(value: unknown): value is string {
  return typeof value === 'string' && HH_MM.test(value);
}

export function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  readonly date: string;
  /** Minutes since local midnight, seconds and milliseconds included as a fraction. */
  readonly minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallClock(instant: Date, timeZone: string): WallClock & { readonly asUtc: number } {
  const time = instant.getTime();
  if (Number.isNaN(time)) throw new RangeError('invalid instant');
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  const milliseconds = ((time % 1000) + 1000) % 1000;
  return {
    date: formatIsoDate({ year, month, day }),
    minutes: hour * 60 + minute + (second * 1000 + milliseconds) / 60_000,
    asUtc: Date.UTC(year, month - 1, day, hour, minute, second, milliseconds),
  };
}

/** The calendar day an instant falls on in a time zone, as `YYYY-MM-DD`. */
export function dateInTimeZone(instant: Date, timeZone: string): string {
  return wallClock(instant, timeZone).date;
}

/** "Today" for the register: the day in Paris, whatever the server's own zone. */
export function parisDate(instant: Date): string {
  return dateInTimeZone(instant, PARIS_TIME_ZONE);
}

function minutesOf(timeOfDay: string): number {
  const match = HH_MM.exec(timeOfDay);
  if (!match) throw new RangeError(`"${timeOfDay}" is not a HH:MM time of day`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function isQuiet(minutes: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}

/**
 * The first instant at or after `instant` outside the quiet hours: `instant` itself when sending
 * is allowed, otherwise the moment local time reaches `quietHours.end`. When that wall time is
 * skipped by a DST change, the moment the clocks jump; when it happens twice, the first time.
 */
export function nextSendableInstant(
  instant: Date,
  quietHours: QuietHours = DEFAULT_QUIET_HOURS,
  timeZone: string = PARIS_TIME_ZONE,
): Date {
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  const local = wallClock(instant, timeZone);
  if (!isQuiet(local.minutes, start, end)) return new Date(instant.getTime());
  const resumesTomorrow = start > end && local.minutes >= start;
  const resumeDate = resumesTomorrow ? addDays(local.date, 1) : local.date;
  return firstInstantAtOrAfterWallTime(resumeDate, end, timeZone);
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function offsetAt(time: number, timeZone: string): number {
  return wallClock(new Date(time), timeZone).asUtc - time;
}

function firstInstantAtOrAfterWallTime(date: string, minutes: number, timeZone: string): Date {
  const wanted = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
  // A zone changes offset at most once around a given day: the offsets a day before and a day
  // after are the only candidates.
  const candidates = [
    ...new Set([offsetAt(wanted - DAY, timeZone), offsetAt(wanted + DAY, timeZone)]),
  ]
    .map((offset) => wanted - offset)
    .sort((a, b) => a - b);
  const exact = candidates.find((time) => wallClock(new Date(time), timeZone).asUtc === wanted);
  if (exact !== undefined) return new Date(exact);
  // The wall time does not exist (clocks jumped over it): find the jump by bisection.
  let low = candidates[0] ?? wanted - DAY;
  let high = candidates[candidates.length - 1] ?? wanted + DAY;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (wallClock(new Date(middle), timeZone).asUtc >= wanted) high = middle;
    else low = middle;
  }
  return new Date(high);
}
