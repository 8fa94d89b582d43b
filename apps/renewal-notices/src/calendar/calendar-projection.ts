import { Inject, Injectable } from '@nestjs/common';
import type { DemandSnapshot } from '@sne/contracts';
import { dateInTimeZone, laterOf, plannedNotices, type RenewalSettings } from '@sne/domain';
import { Clock } from '@sne/platform';
import { RENEWAL_SETTINGS } from '../renewal-settings';
import { calendarEntryOf } from './calendar-entry';
import { CalendarRepository } from './calendar.repository';

/**
 * Keeps each demand's calendar from its events and puts it on the due-day index for the days its
 * current cycle has something due. A day already past is indexed today instead: the scanner has
 * read it, or will read it in the same run.
 */
@Injectable()
export class CalendarProjection {
  constructor(
    private readonly calendars: CalendarRepository,
    private readonly clock: Clock,
    @Inject(RENEWAL_SETTINGS) private readonly settings: RenewalSettings,
  ) {}

  async apply(demand: DemandSnapshot): Promise<'applied' | 'stale'> {
    const stored = await this.calendars.find(demand.numeroUnique);
    if (stored && stored.entry.version >= demand.version) return 'stale';
    const entry = calendarEntryOf(demand);
    const now = this.clock.now();
    const today = dateInTimeZone(now, this.settings.timeZone);
    const planned = plannedNotices(entry.subject, this.settings);
    const keys = [...new Set(planned.map((notice) => `${notice.cycle}@${notice.dueDate}`))];
    const alreadyIndexed = new Set(stored?.indexed ?? []);
    const due = keys
      .filter((key) => !alreadyIndexed.has(key))
      .map((key) => {
        const [cycle = '', dueDate = ''] = key.split('@');
        return { cycle, day: laterOf(dueDate, today) };
      });
    // A radiation ignored for a stale version is sent again with the new one.
    const overdue = planned.find(
      (notice) => notice.kind === 'radiation-for-non-renewal' && notice.dueDate <= today,
    );
    if (overdue && stored && !due.some((item) => item.day === today)) {
      due.push({ cycle: overdue.cycle, day: today });
    }
    await this.calendars.save(entry, due, keys, stored?.entry.version, now);
    return 'applied';
  }
}
