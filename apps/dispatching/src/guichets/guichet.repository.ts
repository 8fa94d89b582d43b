import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { isDuplicateKeyError, MONGO_CONNECTION } from '@sne/persistence';
import { type Connection, type Model, Schema } from 'mongoose';
import type { Guichet, SubscriptionRevision } from './guichet';

interface GuichetDocument extends Omit<Guichet, 'code'> {
  _id: string;
}

interface RevisionDocument extends SubscriptionRevision {
  /** `<guichetCode>:<version>`: the unique key that makes one writer win each version. */
  _id: string;
}

const guichetSchema = new Schema<GuichetDocument>(
  {
    _id: String,
    name: { type: String, required: true },
    type: { type: String, required: true },
    territory: { type: Schema.Types.Mixed, required: true },
    referentEmail: { type: String, required: true },
    siren: String,
    channels: { type: Schema.Types.Mixed, required: true },
    paused: { type: Boolean, default: false },
    createdAt: { type: String, required: true },
    retiredAt: String,
  },
  { versionKey: false, minimize: false },
);

const revisionSchema = new Schema<RevisionDocument>(
  {
    _id: String,
    guichetCode: { type: String, required: true },
    version: { type: Number, required: true },
    eventTypes: [String],
    includeOwnEvents: Boolean,
    rule: { type: Schema.Types.Mixed, required: true },
    changedBy: { type: String, required: true },
    changedAt: { type: String, required: true },
    comment: String,
  },
  { versionKey: false, minimize: false },
);
// Serves: a guichet's history, newest first.
revisionSchema.index({ guichetCode: 1, version: -1 });
// Serves: the dispatcher's "has any subscription changed?" poll.
revisionSchema.index({ changedAt: -1 });

const toGuichet = ({ _id, ...rest }: GuichetDocument): Guichet => ({ code: _id, ...rest });
const toRevision = ({ _id: _ignored, ...rest }: RevisionDocument): SubscriptionRevision => rest;

/** Guichets and their subscription revisions (append-only; see docs/adr/0003). */
@Injectable()
export class GuichetRepository implements OnModuleInit {
  private readonly guichets: Model<GuichetDocument>;
  private readonly revisions: Model<RevisionDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.guichets = connection.model<GuichetDocument>('Guichet', guichetSchema, 'guichets');
    this.revisions = connection.model<RevisionDocument>(
      'SubscriptionRevision',
      revisionSchema,
      'subscription_revisions',
    );
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.guichets.init(), this.revisions.init()]);
  }

  /** False when the code is taken. */
  async insert(guichet: Guichet): Promise<boolean> {
    const { code, ...rest } = guichet;
    try {
      await this.guichets.create({ _id: code, ...rest });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async find(code: string): Promise<Guichet | undefined> {
    const document = await this.guichets.findById(code).lean<GuichetDocument>();
    return document ? toGuichet(document) : undefined;
  }

  async list(): Promise<Guichet[]> {
    const documents = await this.guichets.find().sort({ _id: 1 }).lean<GuichetDocument[]>();
    return documents.map(toGuichet);
  }

  async setPaused(code: string, paused: boolean): Promise<boolean> {
    const result = await this.guichets.updateOne({ _id: code }, { $set: { paused } });
    return result.matchedCount === 1;
  }

  /** Paused for good; the first retirement's date stands. False when there is no such guichet. */
  async retire(code: string, at: string): Promise<boolean> {
    await this.guichets.updateOne(
      { _id: code, retiredAt: { $exists: false } },
      { $set: { retiredAt: at, paused: true } },
    );
    return (await this.guichets.exists({ _id: code })) !== null;
  }

  /** False when that version exists already: another change won the race. */
  async insertRevision(revision: SubscriptionRevision): Promise<boolean> {
    try {
      await this.revisions.create({
        _id: `${revision.guichetCode}:${revision.version}`,
        ...revision,
      });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async latestRevision(code: string): Promise<SubscriptionRevision | undefined> {
    const document = await this.revisions
      .findOne({ guichetCode: code })
      .sort({ version: -1 })
      .lean<RevisionDocument>();
    return document ? toRevision(document) : undefined;
  }

  async history(code: string): Promise<SubscriptionRevision[]> {
    const documents = await this.revisions
      .find({ guichetCode: code })
      .sort({ version: -1 })
      .lean<RevisionDocument[]>();
    return documents.map(toRevision);
  }

  /** The newest revision of every guichet: what the dispatcher matches against. */
  async currentRevisions(): Promise<SubscriptionRevision[]> {
    const keys = await this.revisions
      .find({}, { guichetCode: 1, version: 1 })
      .lean<Array<Pick<RevisionDocument, '_id' | 'guichetCode' | 'version'>>>();
    const newest = new Map<string, number>();
    for (const key of keys) {
      if ((newest.get(key.guichetCode) ?? 0) < key.version)
        newest.set(key.guichetCode, key.version);
    }
    if (newest.size === 0) return [];
    const documents = await this.revisions
      .find({ _id: { $in: [...newest].map(([code, version]) => `${code}:${version}`) } })
      .lean<RevisionDocument[]>();
    return documents.map(toRevision);
  }

  /** Changes to subscriptions since the last look: count and newest change time. */
  async revisionStamp(): Promise<string> {
    const [count, newest] = await Promise.all([
      this.revisions.countDocuments({}),
      this.revisions
        .findOne({}, { changedAt: 1 })
        .sort({ changedAt: -1 })
        .lean<Pick<RevisionDocument, 'changedAt'>>(),
    ]);
    return `${count}:${newest?.changedAt ?? ''}`;
  }
}
