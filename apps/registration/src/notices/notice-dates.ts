import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { NoticeEventData } from '@sne/contracts';
import { parisDate } from '@sne/domain';
import { MONGO_CONNECTION } from '@sne/persistence';
import { type Connection, type Model, Schema } from 'mongoose';

export interface NoticeDates {
  /** The renewal cycle (anniversary) the dates are about. */
  readonly cycle: string;
  /** "Date envoi préavis simple": the first email, SMS or plain letter of the cycle. */
  readonly simpleSentOn?: string;
  /** "Date envoi préavis avec accusé de réception": the registered letter. */
  readonly registeredSentOn?: string;
}

interface NoticeDatesDocument extends NoticeDates {
  /** numéro unique */
  _id: string;
}

/**
 * The dates the renewal notices went out, per demand, from the renewal-notices app's events.
 * Kept beside the demand, not in it: a notice is not a change of the demand (no new version).
 */
@Injectable()
export class NoticeDatesRepository implements OnModuleInit {
  private readonly dates: Model<NoticeDatesDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.dates = connection.model<NoticeDatesDocument>(
      'NoticeDates',
      new Schema<NoticeDatesDocument>(
        { _id: String, cycle: String, simpleSentOn: String, registeredSentOn: String },
        { versionKey: false },
      ),
      'notice_dates',
    );
  }

  async onModuleInit(): Promise<void> {
    await this.dates.init();
  }

  /** One demand's notice events come in order (keyed by numéro), so read-then-write is safe. */
  async record(notice: NoticeEventData): Promise<void> {
    const stored = await this.find(notice.numeroUnique);
    if (stored && stored.cycle > notice.cycle) return;
    // The day in the register's time zone: a notice sent at 00:30 in Paris is of that day.
    const day = parisDate(new Date(notice.sentAt));
    const current: NoticeDates = stored?.cycle === notice.cycle ? stored : { cycle: notice.cycle };
    const field = notice.channel === 'registered-letter' ? 'registeredSentOn' : 'simpleSentOn';
    const earliest = current[field] && current[field] < day ? current[field] : day;
    await this.dates.replaceOne(
      { _id: notice.numeroUnique },
      { ...current, [field]: earliest },
      { upsert: true },
    );
  }

  async find(numeroUnique: string): Promise<NoticeDates | undefined> {
    const document = await this.dates.findById(numeroUnique, { _id: 0 }).lean<NoticeDates>();
    return document ?? undefined;
  }
}
