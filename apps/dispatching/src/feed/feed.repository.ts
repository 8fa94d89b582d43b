import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { GuichetDelivery } from '@sne/contracts';
import { isDuplicateKeyError, MONGO_CONNECTION } from '@sne/persistence';
import { type Connection, type Model, Schema } from 'mongoose';

export interface FeedEntry {
  readonly guichetCode: string;
  readonly partition: number;
  readonly offset: number;
  readonly storedAt: string;
  readonly delivery: GuichetDelivery;
}

interface FeedEntryDocument extends FeedEntry {
  /** `<guichet>:<partition>:<offset>`: a delivery read twice from the log is stored once. */
  _id: string;
}

const schema = new Schema<FeedEntryDocument>(
  {
    _id: String,
    guichetCode: { type: String, required: true },
    partition: { type: Number, required: true },
    offset: { type: Number, required: true },
    storedAt: { type: String, required: true },
    delivery: { type: Schema.Types.Mixed, required: true },
  },
  { versionKey: false, minimize: false },
);
// Serves: a guichet's feed read from a cursor, partition by partition.
schema.index({ guichetCode: 1, partition: 1, offset: 1 });
// Serves: purging what is older than the retention.
schema.index({ storedAt: 1 });

/** The pull feed's copy of each guichet's delivery log, addressed by partition and offset. */
@Injectable()
export class FeedRepository implements OnModuleInit {
  private readonly entries: Model<FeedEntryDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.entries = connection.model<FeedEntryDocument>('FeedEntry', schema, 'feed_entries');
  }

  async onModuleInit(): Promise<void> {
    await this.entries.init();
  }

  async append(entry: FeedEntry): Promise<void> {
    try {
      await this.entries.create({
        _id: `${entry.guichetCode}:${entry.partition}:${entry.offset}`,
        ...entry,
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /** The partitions a guichet's feed has entries in. */
  async partitions(guichetCode: string): Promise<number[]> {
    const values = await this.entries.distinct<'partition', number>('partition', { guichetCode });
    return values.sort((a, b) => a - b);
  }

  /** Up to `limit` entries of one partition after `afterOffset`, in offset order. */
  after(
    guichetCode: string,
    partition: number,
    afterOffset: number,
    limit: number,
  ): Promise<FeedEntry[]> {
    return this.entries
      .find({ guichetCode, partition, offset: { $gt: afterOffset } }, { _id: 0 })
      .sort({ offset: 1 })
      .limit(limit)
      .lean<FeedEntry[]>();
  }

  async earliestOffset(guichetCode: string, partition: number): Promise<number | undefined> {
    const first = await this.entries
      .findOne({ guichetCode, partition }, { offset: 1 })
      .sort({ offset: 1 })
      .lean<Pick<FeedEntry, 'offset'>>();
    return first?.offset;
  }

  /** The last offset of a partition stored before a date (-1: none). */
  async lastOffsetBefore(guichetCode: string, partition: number, date: Date): Promise<number> {
    const last = await this.entries
      .findOne({ guichetCode, partition, storedAt: { $lt: date.toISOString() } }, { offset: 1 })
      .sort({ offset: -1 })
      .lean<Pick<FeedEntry, 'offset'>>();
    return last?.offset ?? -1;
  }

  async purgeOlderThan(date: Date): Promise<number> {
    const result = await this.entries.deleteMany({ storedAt: { $lt: date.toISOString() } });
    return result.deletedCount;
  }
}
