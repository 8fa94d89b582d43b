import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { MONGO_CONNECTION, ScopedLog } from '@sne/persistence';
import { type Connection, type Model, Schema } from 'mongoose';

export const LETTER_KINDS = ['plain-letter', 'registered-letter'] as const;
export type LetterKind = (typeof LETTER_KINDS)[number];

/** One letter to print: what the page needs, copied when the notice was claimed. */
export interface LetterItem {
  readonly claimId: string;
  readonly numeroUnique: string;
  readonly cycle: string;
  readonly recipient: string;
  readonly address: readonly string[];
}

export interface LetterBatch {
  readonly kind: LetterKind;
  /** The day the letters are posted: one PDF per day and kind. */
  readonly day: string;
  readonly letters: number;
}

interface BatchDocument {
  /** `<kind>@<day>` */
  _id: string;
  kind: LetterKind;
  day: string;
  createdAt: string;
}

/** The letters of each day and kind, appended as notices are sent, printed on demand. */
@Injectable()
export class LetterBatchesRepository implements OnModuleInit {
  private readonly log: ScopedLog<LetterItem>;
  private readonly batches: Model<BatchDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.log = new ScopedLog<LetterItem>(connection, 'renewal_letters');
    this.batches = connection.model<BatchDocument>(
      'LetterBatch',
      new Schema<BatchDocument>(
        { _id: String, kind: String, day: String, createdAt: String },
        { versionKey: false },
      ),
      'renewal_letter_batches',
    );
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.log.init(), this.batches.init()]);
  }

  async add(kind: LetterKind, day: string, item: LetterItem, at: Date): Promise<void> {
    const scope = `${kind}@${day}`;
    await this.batches.updateOne(
      { _id: scope },
      { $setOnInsert: { kind, day, createdAt: at.toISOString() } },
      { upsert: true },
    );
    await this.log.append(scope, [item], at);
  }

  /** A retried job may have appended its letter twice: each claim prints once. */
  async letters(kind: LetterKind, day: string): Promise<LetterItem[]> {
    const { items } = await this.log.read(`${kind}@${day}`);
    const seen = new Set<string>();
    return items.filter((item) => !seen.has(item.claimId) && seen.add(item.claimId));
  }

  /**
   * The batches, newest day first (a few hundred a year: read whole), counting only the letters
   * `included` keeps (the caller's territory); batches left empty are not listed.
   */
  async list(included: (item: LetterItem) => boolean): Promise<LetterBatch[]> {
    const batches = await this.batches.find({}).lean<BatchDocument[]>();
    const counted = await Promise.all(
      batches.map(async ({ kind, day }) => ({
        kind,
        day,
        letters: (await this.letters(kind, day)).filter(included).length,
      })),
    );
    return counted
      .filter((batch) => batch.letters > 0)
      .sort((a, b) => b.day.localeCompare(a.day) || a.kind.localeCompare(b.kind));
  }
}
