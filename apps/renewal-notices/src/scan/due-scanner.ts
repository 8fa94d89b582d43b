import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  addDays,
  currentCycle,
  nextSendableInstant,
  noticesDue,
  dateInTimeZone,
  type RenewalSettings,
} from '@sne/domain';
import { Clock, MetricsService } from '@sne/platform';
import { CalendarRepository, type DueItem } from '../calendar/calendar.repository';
import { NoticeClaimsRepository } from '../notices/notice-claims.repository';
import { NoticeQueues } from '../notices/notice-queues';
import { RENEWAL_SETTINGS } from '../renewal-settings';
import { ScanCursorRepository } from './scan-cursor.repository';

export interface ScanReport {
  /** The day the scan ran for (Europe/Paris by default). */
  readonly today: string;
  /** Days of the due index read: from where the last scan stopped up to today. */
  readonly days: readonly string[];
  /** Demands looked at again. */
  readonly examined: number;
  /** Notices due and not claimed yet, handed to the queues (a job already there is kept). */
  readonly enqueued: number;
}

const CONCURRENT_LOOKUPS = 16;

/**
 * Finds what is due: reads the due index from the day the last scan stopped to today, re-plans
 * each demand listed from its calendar, and enqueues one job per notice due with its
 * deterministic id. Days missed while the app was down are read on the next scan.
 */
@Injectable()
export class DueScanner {
  private readonly logger = new Logger(DueScanner.name);
  private readonly enqueuedCounter;

  constructor(
    private readonly calendars: CalendarRepository,
    private readonly cursors: ScanCursorRepository,
    private readonly queues: NoticeQueues,
    private readonly claims: NoticeClaimsRepository,
    private readonly clock: Clock,
    @Inject(RENEWAL_SETTINGS) private readonly settings: RenewalSettings,
    metrics: MetricsService,
  ) {
    this.enqueuedCounter = metrics.counter(
      'sne_renewal_notices_enqueued_total',
      'Renewal notice jobs enqueued by the due scan',
      ['kind'],
    );
  }

  /** Sets the cursor on the first start, so the first scan begins on the day the app started. */
  async start(): Promise<void> {
    const now = this.clock.now();
    await this.cursors.get(dateInTimeZone(now, this.settings.timeZone), now);
  }

  async scan(): Promise<ScanReport> {
    const now = this.clock.now();
    const today = dateInTimeZone(now, this.settings.timeZone);
    const cursor = await this.cursors.get(today, now);
    const days: string[] = [];
    let examined = 0;
    let enqueued = 0;
    for (let day = cursor.day; day <= today; day = addDays(day, 1)) {
      const read = await this.calendars.dueDays.read(day, day === cursor.day ? cursor.page : 0);
      const items = uniqueItems(read.items);
      for (let start = 0; start < items.length; start += CONCURRENT_LOOKUPS) {
        const counts = await Promise.all(
          items
            .slice(start, start + CONCURRENT_LOOKUPS)
            .map((item) => this.examine(item, today, now)),
        );
        examined += counts.length;
        enqueued += counts.reduce((sum, count) => sum + count, 0);
      }
      days.push(day);
      await this.cursors.set({ day, page: read.nextPage }, this.clock.now());
    }
    this.logger.log({ msg: 'due scan done', today, days: days.length, examined, enqueued });
    return { today, days, examined, enqueued };
  }

  private async examine(item: DueItem, today: string, now: Date): Promise<number> {
    const stored = await this.calendars.find(item.n);
    if (!stored) return 0;
    const { entry } = stored;
    const cycle = currentCycle(entry.subject, today, this.settings);
    const claimed = cycle ? await this.claims.ofDemand(entry.numeroUnique, [cycle]) : [];
    const due = noticesDue(entry.subject, today, claimed, this.settings);
    for (const notice of due) {
      const delay =
        notice.kind === 'sms'
          ? nextSendableInstant(now, this.settings.quietHours, this.settings.timeZone).getTime() -
            now.getTime()
          : 0;
      await this.queues.enqueue(
        {
          numeroUnique: entry.numeroUnique,
          cycle: notice.cycle,
          kind: notice.kind,
          version: entry.version,
        },
        delay,
      );
      this.enqueuedCounter.inc({ kind: notice.kind });
    }
    return due.length;
  }
}

function uniqueItems(items: readonly DueItem[]): DueItem[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = `${item.n}@${item.c}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
