import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { isDuplicateKeyError, MONGO_CONNECTION, ScopedLog } from '@sne/persistence';
import { type Connection, type Model, Schema } from 'mongoose';
import type { CalendarEntry } from './calendar-entry';

/** One line of the due-day index: this demand has something due on the day for this cycle. */
export interface DueItem {
  /** numéro unique */
  readonly n: string;
  /** the cycle (anniversary) */
  readonly c: string;
}

interface CalendarDocument {
  /** numéro unique */
  _id: string;
  version: number;
  entry: CalendarEntry;
  /** `<cycle>@<day>` of every day the demand was put on in the due index for its cycle. */
  indexed: string[];
  updatedAt: string;
}

export interface StoredCalendar {
  readonly entry: CalendarEntry;
  readonly indexed: readonly string[];
}

/**
 * The projection of every demand's renewal calendar, by numéro unique, and the due-day index
 * beside it: an append-only list per day of the demands with something due that day, read by
 * `_id` (see `ScopedLog`). The index is a list of dates to look again, never the truth: the
 * scanner re-reads the calendar and re-plans, so a renewal needs no deletion in the index.
 */
@Injectable()
export class CalendarRepository implements OnModuleInit {
  private readonly calendars: Model<CalendarDocument>;
  readonly dueDays: ScopedLog<DueItem>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.calendars = connection.model<CalendarDocument>(
      'RenewalCalendar',
      new Schema<CalendarDocument>(
        {
          _id: String,
          version: Number,
          entry: Schema.Types.Mixed,
          indexed: [String],
          updatedAt: String,
        },
        { versionKey: false },
      ),
      'renewal_calendars',
    );
    this.dueDays = new ScopedLog<DueItem>(connection, 'renewal_due_days');
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.calendars.init(), this.dueDays.init()]);
  }

  async find(numeroUnique: string): Promise<StoredCalendar | undefined> {
    const found = await this.calendars
      .findById(numeroUnique, { entry: 1, indexed: 1 })
      .lean<CalendarDocument>();
    return found ? { entry: found.entry, indexed: found.indexed } : undefined;
  }

  /**
   * Puts the demand on each due day first, then stores its calendar: a crash between the two
   * leaves the event unacknowledged and replayed, and an extra index line is harmless.
   * `previousVersion` is the stored version the caller read (absent for a new demand); a
   * concurrent writer makes the write a no-op, as events of one demand come in order anyway.
   */
  async save(
    entry: CalendarEntry,
    due: ReadonlyArray<{ day: string; cycle: string }>,
    indexed: readonly string[],
    previousVersion: number | undefined,
    at: Date,
  ): Promise<void> {
    for (const { day, cycle } of due) {
      await this.dueDays.append(day, [{ n: entry.numeroUnique, c: cycle }], at);
    }
    const document: CalendarDocument = {
      _id: entry.numeroUnique,
      version: entry.version,
      entry,
      indexed: [...indexed],
      updatedAt: at.toISOString(),
    };
    if (previousVersion === undefined) {
      try {
        await this.calendars.insertMany([document], { lean: true });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      return;
    }
    await this.calendars.replaceOne(
      { _id: entry.numeroUnique, version: previousVersion },
      document,
    );
  }

  /** Bulk load of calendars and their due days (migrations, benchmarks): no version checks. */
  async load(
    entries: ReadonlyArray<{ entry: CalendarEntry; indexed: readonly string[] }>,
    at: Date,
  ): Promise<void> {
    await this.calendars.insertMany(
      entries.map(({ entry, indexed }) => ({
        _id: entry.numeroUnique,
        version: entry.version,
        entry,
        indexed: [...indexed],
        updatedAt: at.toISOString(),
      })),
      { lean: true, ordered: false },
    );
  }
}
