import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { GuichetDelivery } from '@sne/contracts';
import { insertAbsent, MONGO_CONNECTION } from '@sne/persistence';
import { type Connection, type Model, Schema } from 'mongoose';

export interface FeedEntry {
  readonly guichetCode: string;
  readonly partition: number;
  readonly offset: number;
  readonly storedAt: string;
  readonly delivery: GuichetDelivery;
}

/** How often (in offsets) the head is told about a partition's progress; reads probe past it. */
export const FEED_HEAD_STEP = 50;
/** Entries looked up at once when reading a page. */
const READ_WINDOW = 50;

interface FeedEntryDocument extends FeedEntry {
  /** `<guichet>:<partition>:<offset>`: a delivery read twice from the log is stored once. */
  _id: string;
}

interface FeedHeadDocument {
  /** guichet code */
  _id: string;
  /** By partition: the first offset retained, and a recent last offset (at most a step behind). */
  partitions: Record<string, { first: number; last: number }>;
}

const entrySchema = new Schema<FeedEntryDocument>(
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
// Serves: purging by age, and replays from a date (both rare: pages read by `_id`).
entrySchema.index({ storedAt: 1 });
entrySchema.index({ guichetCode: 1, partition: 1, offset: 1 });

const headSchema = new Schema<FeedHeadDocument>(
  { _id: String, partitions: { type: Schema.Types.Mixed, required: true } },
  { versionKey: false, minimize: false },
);

const entryId = (guichetCode: string, partition: number, offset: number) =>
  `${guichetCode}:${partition}:${offset}`;

/**
 * The pull feed's copy of each guichet's delivery log, addressed by partition and offset. Pages
 * are read by `_id` only (ADR 0006): a log's offsets follow each other, so the entries after a
 * cursor are looked up by their ids, a window at a time, up to the partition's last offset that
 * the guichet's head document records (probing past it, as the head is updated every 50 offsets).
 * A page costs the same whatever the store holds.
 */
@Injectable()
export class FeedRepository implements OnModuleInit {
  private readonly entries: Model<FeedEntryDocument>;
  private readonly heads: Model<FeedHeadDocument>;
  /** Partitions whose head this instance has updated since it started. */
  private readonly headed = new Set<string>();

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.entries = connection.model<FeedEntryDocument>('FeedEntry', entrySchema, 'feed_entries');
    this.heads = connection.model<FeedHeadDocument>('FeedHead', headSchema, 'feed_heads');
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.entries.init(), this.heads.init()]);
  }

  /**
   * Idempotent: a repeated entry is a duplicate key, ignored. One bulk insert, then the heads of
   * the partitions written to (each time a partition is first written by this instance, then
   * when a batch crosses a multiple of FEED_HEAD_STEP).
   */
  async append(entries: readonly FeedEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await insertAbsent(
      this.entries,
      entries.map((entry) => ({
        _id: entryId(entry.guichetCode, entry.partition, entry.offset),
        ...entry,
      })),
    );
    const ranges = new Map<
      string,
      { guichetCode: string; partition: number; first: number; last: number }
    >();
    for (const entry of entries) {
      const key = `${entry.guichetCode}:${entry.partition}`;
      const range = ranges.get(key);
      ranges.set(key, {
        guichetCode: entry.guichetCode,
        partition: entry.partition,
        first: Math.min(range?.first ?? entry.offset, entry.offset),
        last: Math.max(range?.last ?? entry.offset, entry.offset),
      });
    }
    for (const [key, { guichetCode, partition, first, last }] of ranges) {
      const crossesStep =
        Math.floor(last / FEED_HEAD_STEP) > Math.floor((first - 1) / FEED_HEAD_STEP);
      if (this.headed.has(key) && !crossesStep) continue;
      const path = `partitions.${partition}`;
      await this.heads.updateOne(
        { _id: guichetCode },
        { $max: { [`${path}.last`]: last }, $min: { [`${path}.first`]: first } },
        { upsert: true },
      );
      this.headed.add(key);
    }
  }

  /** Each partition the guichet's feed has entries in, with its first and (recent) last offsets. */
  async partitions(
    guichetCode: string,
  ): Promise<Array<{ partition: number; first: number; last: number }>> {
    const head = await this.heads.findById(guichetCode).lean<FeedHeadDocument>();
    return Object.entries(head?.partitions ?? {})
      .map(([partition, range]) => ({ partition: Number(partition), ...range }))
      .sort((a, b) => a.partition - b.partition);
  }

  /**
   * Up to `limit` entries of one partition after `afterOffset`, in offset order. Up to `last`
   * every window is read; past it, only while windows come back full (the head may lag).
   */
  async after(
    guichetCode: string,
    partition: number,
    afterOffset: number,
    limit: number,
    last: number,
  ): Promise<FeedEntry[]> {
    const found: FeedEntry[] = [];
    let next = afterOffset + 1;
    for (;;) {
      const size = Math.min(READ_WINDOW, limit - found.length);
      if (size <= 0) return found;
      const window = await Promise.all(
        Array.from({ length: size }, (_, i) =>
          this.entries
            .findById(entryId(guichetCode, partition, next + i), { _id: 0 })
            .lean<FeedEntry>(),
        ),
      );
      const present = window.filter((entry): entry is FeedEntry => entry !== null);
      found.push(...present);
      next += size;
      if (next > last && present.length < size) return found;
    }
  }

  /** The last offset of a partition stored before a date (-1: none). */
  async lastOffsetBefore(guichetCode: string, partition: number, date: Date): Promise<number> {
    const last = await this.entries
      .findOne({ guichetCode, partition, storedAt: { $lt: date.toISOString() } }, { offset: 1 })
      .sort({ offset: -1 })
      .lean<Pick<FeedEntry, 'offset'>>();
    return last?.offset ?? -1;
  }

  /**
   * Drops the entries stored before `date` and moves each partition's first offset past them
   * (a partition's entries age in offset order); returns how many were dropped.
   */
  async purgeOlderThan(date: Date): Promise<number> {
    const old = await this.entries
      .find({ storedAt: { $lt: date.toISOString() } }, { guichetCode: 1, partition: 1, offset: 1 })
      .lean<Array<Pick<FeedEntryDocument, '_id' | 'guichetCode' | 'partition' | 'offset'>>>();
    if (old.length === 0) return 0;
    const firstKept = new Map<string, { guichetCode: string; partition: number; first: number }>();
    for (const entry of old) {
      const key = `${entry.guichetCode}:${entry.partition}`;
      const first = Math.max(firstKept.get(key)?.first ?? 0, entry.offset + 1);
      firstKept.set(key, { guichetCode: entry.guichetCode, partition: entry.partition, first });
    }
    for (const { guichetCode, partition, first } of firstKept.values()) {
      await this.heads.updateOne(
        { _id: guichetCode },
        { $max: { [`partitions.${partition}.first`]: first } },
      );
    }
    const result = await this.entries.deleteMany({ storedAt: { $lt: date.toISOString() } });
    return result.deletedCount;
  }
}
