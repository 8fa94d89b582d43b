import fc from 'fast-check';
import {
  addDays,
  addMonths,
  addYears,
  compareIsoDates,
  daysInMonth,
  formatIsoDate,
  InvalidIsoDateError,
  isIsoDate,
  isLeapYear,
  isoDateOf,
  laterOf,
  parseIsoDate,
  wholeYearsBetween,
} from './iso-date';

const day = (min: string, max: string) =>
  fc.date({ min: new Date(min), max: new Date(max), noInvalidDate: true }).map(isoDateOf);

describe(isIsoDate.name, () => {
  it.each(['2024-02-29', '2016-02-29', '2023-12-31', '2000-02-29', '1900-01-01', '0001-01-01'])(
    'accepts %s',
    (date) => {
      expect(isIsoDate(date)).toBe(true);
    },
  );

  it.each([
    ['an impossible day', '2023-02-30'],
    ['29 February of a common year', '2023-02-29'],
    ['29 February 1900 (not a leap year)', '1900-02-29'],
    ['month 13', '2023-13-01'],
    ['month 0', '2023-00-10'],
    ['day 0', '2023-01-00'],
    ['year 0', '0000-01-01'],
    ['a one-digit month', '2015-1-01'],
    ['a date with a time', '2023-01-01T00:00:00Z'],
    ['a French date', '01/02/2023'],
    ['a number', 20230101],
    ['undefined', undefined],
  ])('refuses %s', (_, value) => {
    expect(isIsoDate(value)).toBe(false);
  });
});

describe(parseIsoDate.name, () => {
  it('reads year, month and day', () => {
    expect(parseIsoDate('2014-05-26')).toEqual({ year: 2014, month: 5, day: 26 });
  });

  it('throws a RangeError on a string that is not a calendar date', () => {
    expect(() => parseIsoDate('2023-02-30')).toThrow(InvalidIsoDateError);
    expect(() => parseIsoDate('2023-02-30')).toThrow(RangeError);
    expect(() => parseIsoDate('2023-02-30')).toThrow('date "2023-02-30" is not a YYYY-MM-DD date');
  });

  it('names the date it refuses', () => {
    expect(() => parseIsoDate('26/05/2014', 'deposit date')).toThrow(
      'deposit date "26/05/2014" is not a YYYY-MM-DD date',
    );
  });
});

describe(formatIsoDate.name, () => {
  it('pads years, months and days', () => {
    expect(formatIsoDate({ year: 987, month: 3, day: 4 })).toBe('0987-03-04');
  });

  it('round-trips with parseIsoDate', () => {
    fc.assert(
      fc.property(day('1000-01-01', '9999-12-31'), (date) => {
        expect(formatIsoDate(parseIsoDate(date))).toBe(date);
      }),
    );
  });
});

describe(isoDateOf.name, () => {
  it('is the UTC day of an instant', () => {
    expect(isoDateOf(new Date('2016-05-25T22:30:00Z'))).toBe('2016-05-25');
    expect(isoDateOf(new Date('2016-05-25T22:30:00-02:00'))).toBe('2016-05-26');
  });

  it('refuses an invalid instant', () => {
    expect(() => isoDateOf(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe(isLeapYear.name, () => {
  it('follows the Gregorian rule', () => {
    expect([2016, 2000, 2400].map(isLeapYear)).toEqual([true, true, true]);
    expect([2017, 1900, 2100].map(isLeapYear)).toEqual([false, false, false]);
  });
});

describe(daysInMonth.name, () => {
  it('knows February in leap and common years', () => {
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
  });

  it('knows the months of 30 and 31 days', () => {
    expect([1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((month) => daysInMonth(2023, month))).toEqual([
      31, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    ]);
  });
});

describe(compareIsoDates.name, () => {
  it('sorts dates chronologically', () => {
    expect(['2016-05-26', '2015-12-31', '2016-01-01'].sort(compareIsoDates)).toEqual([
      '2015-12-31',
      '2016-01-01',
      '2016-05-26',
    ]);
    expect(compareIsoDates('2016-05-26', '2016-05-26')).toBe(0);
  });
});

describe(laterOf.name, () => {
  it('is the later of two dates', () => {
    expect(laterOf('2016-05-26', '2015-12-31')).toBe('2016-05-26');
    expect(laterOf('2015-12-31', '2016-05-26')).toBe('2016-05-26');
  });
});

describe(addMonths.name, () => {
  it.each([
    ['2024-01-31', 1, '2024-02-29'],
    ['2023-01-31', 1, '2023-02-28'],
    ['2017-01-31', 1, '2017-02-28'],
    ['2024-03-31', 1, '2024-04-30'],
    ['2016-03-31', -1, '2016-02-29'],
    ['2017-03-31', -1, '2017-02-28'],
    ['2024-05-31', -3, '2024-02-29'],
    ['2016-12-31', -1, '2016-11-30'],
    ['2016-12-31', -2, '2016-10-31'],
    ['2024-09-30', 5, '2025-02-28'],
    ['2023-09-30', 5, '2024-02-29'],
    ['2016-02-29', 12, '2017-02-28'],
    ['2016-02-29', 48, '2020-02-29'],
    ['2024-12-15', 1, '2025-01-15'],
    ['2015-11-15', 3, '2016-02-15'],
    ['2025-01-15', -2, '2024-11-15'],
    ['2016-01-15', -3, '2015-10-15'],
  ])('moves %s by %i months to %s, the day kept or the month end', (from, months, to) => {
    expect(addMonths(from, months)).toBe(to);
  });

  it('keeps the day when the target month has it, and lands in the right month', () => {
    fc.assert(
      fc.property(
        day('1900-01-01', '2100-12-31'),
        fc.integer({ min: -600, max: 600 }),
        (date, n) => {
          const from = parseIsoDate(date);
          const to = parseIsoDate(addMonths(date, n));
          expect(to.year * 12 + to.month - (from.year * 12 + from.month)).toBe(n);
          expect(to.day).toBe(Math.min(from.day, daysInMonth(to.year, to.month)));
        },
      ),
    );
  });
});

describe(addYears.name, () => {
  it('turns 29 February into 28 February in a common year', () => {
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
  });
});

describe(addDays.name, () => {
  it('crosses month and year ends', () => {
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2016-12-31', 1)).toBe('2017-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2016-03-01', -1)).toBe('2016-02-29');
  });

  it('reads years before 100 as they are, not as 19xx', () => {
    expect(addDays('0004-02-28', 1)).toBe('0004-02-29');
    expect(addDays('0099-12-31', 1)).toBe('0100-01-01');
  });

  it('is undone by the opposite number of days', () => {
    fc.assert(
      fc.property(
        day('1900-01-01', '2100-12-31'),
        fc.integer({ min: -5000, max: 5000 }),
        (date, n) => {
          expect(addDays(addDays(date, n), -n)).toBe(date);
        },
      ),
    );
  });
});

describe(wholeYearsBetween.name, () => {
  it('counts an age, a birthday not yet reached this year excluded', () => {
    expect(wholeYearsBetween('1985-04-12', '2026-04-11')).toBe(40);
    expect(wholeYearsBetween('1985-04-12', '2026-04-12')).toBe(41);
  });

  it('is negative, rounded down, when the second date comes first', () => {
    expect(wholeYearsBetween('2026-04-12', '2025-04-11')).toBe(-2);
  });
});
