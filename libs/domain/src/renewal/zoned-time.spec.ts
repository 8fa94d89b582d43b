import { dateInTimeZone, nextSendableInstant, parisDate } from './zoned-time';

const at = (iso: string) => new Date(iso);

describe(parisDate.name, () => {
  it('reads the day in Paris, not in UTC', () => {
    expect(parisDate(at('2025-12-31T22:59:59Z'))).toBe('2025-12-31');
    expect(parisDate(at('2025-12-31T23:00:00Z'))).toBe('2026-01-01');
  });

  it('follows summer time', () => {
    expect(parisDate(at('2025-06-30T21:59:59Z'))).toBe('2025-06-30');
    expect(parisDate(at('2025-06-30T22:00:00Z'))).toBe('2025-07-01');
  });

  it('knows other zones', () => {
    expect(dateInTimeZone(at('2025-06-30T22:00:00Z'), 'America/Cayenne')).toBe('2025-06-30');
    expect(dateInTimeZone(at('2025-06-30T22:00:00Z'), 'Indian/Reunion')).toBe('2025-07-01');
  });
});

describe(nextSendableInstant.name, () => {
  it('lets a daytime instant through', () => {
    expect(nextSendableInstant(at('2025-06-02T10:15:00Z'))).toEqual(at('2025-06-02T10:15:00Z'));
  });

  it('holds an evening instant until 8:00 the next morning', () => {
    // 22:30 in Paris (summer time) → 08:00 the next day, 06:00 UTC.
    expect(nextSendableInstant(at('2025-06-02T20:30:00Z'))).toEqual(at('2025-06-03T06:00:00Z'));
  });

  it('holds an early-morning instant until 8:00 the same day', () => {
    expect(nextSendableInstant(at('2025-01-15T05:00:00Z'))).toEqual(at('2025-01-15T07:00:00Z'));
  });

  it('starts the quiet hours at 20:00 sharp and ends them at 8:00 sharp', () => {
    expect(nextSendableInstant(at('2025-01-15T18:59:59Z'))).toEqual(at('2025-01-15T18:59:59Z'));
    expect(nextSendableInstant(at('2025-01-15T19:00:00Z'))).toEqual(at('2025-01-16T07:00:00Z'));
    expect(nextSendableInstant(at('2025-01-16T07:00:00Z'))).toEqual(at('2025-01-16T07:00:00Z'));
    expect(nextSendableInstant(at('2025-01-16T06:59:59.999Z'))).toEqual(at('2025-01-16T07:00:00Z'));
  });

  it('resumes at 8:00 summer time on the night the clocks go forward', () => {
    // 30 March 2025: 02:00 CET becomes 03:00 CEST. 22:00 CET on the 29th → 08:00 CEST = 06:00 UTC.
    expect(nextSendableInstant(at('2025-03-29T21:00:00Z'))).toEqual(at('2025-03-30T06:00:00Z'));
    expect(nextSendableInstant(at('2025-03-30T01:30:00Z'))).toEqual(at('2025-03-30T06:00:00Z'));
  });

  it('resumes at 8:00 winter time on the night the clocks go back', () => {
    // 26 October 2025: 03:00 CEST becomes 02:00 CET. 21:30 CEST on the 25th → 08:00 CET = 07:00 UTC.
    expect(nextSendableInstant(at('2025-10-25T19:30:00Z'))).toEqual(at('2025-10-26T07:00:00Z'));
    expect(nextSendableInstant(at('2025-10-26T06:30:00Z'))).toEqual(at('2025-10-26T07:00:00Z'));
  });

  it('resumes when the clocks jump if the end of the quiet hours is skipped', () => {
    const quiet = { start: '01:00', end: '02:30' };
    // 01:30 CET; 02:30 does not exist that night: sending resumes at 03:00 CEST = 01:00 UTC.
    expect(nextSendableInstant(at('2025-03-30T00:30:00Z'), quiet)).toEqual(
      at('2025-03-30T01:00:00Z'),
    );
  });

  it('resumes at the first of two identical wall times when the clocks go back', () => {
    const quiet = { start: '01:00', end: '02:30' };
    // 01:30 CEST; 02:30 happens twice that night: first at 00:30 UTC (CEST).
    expect(nextSendableInstant(at('2025-10-25T23:30:00Z'), quiet)).toEqual(
      at('2025-10-26T00:30:00Z'),
    );
  });

  it('handles quiet hours within a day', () => {
    const lunch = { start: '12:00', end: '14:00' };
    expect(nextSendableInstant(at('2025-01-15T11:30:00Z'), lunch)).toEqual(
      at('2025-01-15T13:00:00Z'),
    );
    expect(nextSendableInstant(at('2025-01-15T13:30:00Z'), lunch)).toEqual(
      at('2025-01-15T13:30:00Z'),
    );
  });

  it('has no quiet hours when they start and end at the same time', () => {
    const none = { start: '08:00', end: '08:00' };
    expect(nextSendableInstant(at('2025-01-15T02:00:00Z'), none)).toEqual(
      at('2025-01-15T02:00:00Z'),
    );
  });

  it('reads the quiet hours in the zone it is given', () => {
    // 19:00 UTC is 15:00 in Cayenne (UTC−3): sendable there, quiet in Paris.
    expect(nextSendableInstant(at('2025-01-15T19:00:00Z'), undefined, 'America/Cayenne')).toEqual(
      at('2025-01-15T19:00:00Z'),
    );
  });

  it('refuses malformed quiet hours', () => {
    expect(() =>
      nextSendableInstant(at('2025-01-15T19:00:00Z'), { start: '8h', end: '20:00' }),
    ).toThrow(RangeError);
  });
});
