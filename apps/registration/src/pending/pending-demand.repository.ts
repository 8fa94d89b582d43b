import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { DemandInput, DraftDemandInput } from '@sne/domain';
import { isDuplicateKeyError, MONGO_CONNECTION } from '@sne/persistence';
import { StaleVersionError } from '@sne/platform';
import { type Connection, type Model, Schema } from 'mongoose';

/**
 * A demand before its numéro: a guichet's draft, or a portal demand awaiting validation.
 * `registering` holds the numéro taken for it while the demand is written; `registered` keeps
 * the numéro it got, so a second submission answers with it instead of registering twice.
 */
export interface PendingDemand {
  readonly id: string;
  readonly origin: 'draft' | 'portal';
  readonly state: 'draft' | 'awaiting-validation' | 'registering' | 'registered';
  readonly version: number;
  readonly input: DraftDemandInput | DemandInput;
  /** The guichet that saved the draft, or the portal's guichet code. */
  readonly createdBy: string;
  /** The applicant's address, lower case (portal demands). */
  readonly email?: string;
  /** Of the first-choice commune, once there is one. */
  readonly department?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly numeroUnique?: string;
}

interface PendingDocument extends Omit<PendingDemand, 'id'> {
  _id: string;
}

interface ChangeDocument {
  /** `<id>:<version>`: inserting it is what takes the version (ADR 0003). */
  _id: string;
  set: Record<string, unknown>;
  unset: string[];
  at: string;
}

const toPending = ({ _id, ...rest }: PendingDocument): PendingDemand => ({ id: _id, ...rest });
const changeId = (id: string, version: number) => `${id}:${version}`;

/**
 * Drafts and portal demands, one document each. A change takes its version by inserting
 * `pending_changes` `<id>:<version>` (unique, so of two writers of one version exactly one wins:
 * a conditional update is not atomic on FerretDB, ADR 0003), then applies it. A reader that finds
 * the next version's change not applied yet (a crash between the two writes) applies it.
 */
@Injectable()
export class PendingDemandRepository implements OnModuleInit {
  private readonly pending: Model<PendingDocument>;
  private readonly changes: Model<ChangeDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.pending = connection.model<PendingDocument>(
      'PendingDemand',
      new Schema<PendingDocument>(
        {
          _id: String,
          origin: { type: String, required: true },
          state: { type: String, required: true },
          version: { type: Number, required: true },
          input: { type: Schema.Types.Mixed, required: true },
          createdBy: { type: String, required: true },
          email: String,
          department: String,
          createdAt: { type: String, required: true },
          updatedAt: { type: String, required: true },
          numeroUnique: String,
        },
        { versionKey: false, minimize: false },
      ),
      'pending_demands',
    );
    this.changes = connection.model<ChangeDocument>(
      'PendingDemandChange',
      new Schema<ChangeDocument>(
        { _id: String, set: Schema.Types.Mixed, unset: [String], at: String },
        { versionKey: false, minimize: false },
      ),
      'pending_changes',
    );
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.pending.init(), this.changes.init()]);
  }

  async create(demand: PendingDemand): Promise<void> {
    const { id, ...rest } = demand;
    await this.pending.insertMany([{ _id: id, ...rest }], { lean: true });
  }

  async find(id: string): Promise<PendingDemand | undefined> {
    const found = await this.pending.findById(id).lean<PendingDocument>();
    if (!found) return undefined;
    const unapplied = await this.changes
      .findById(changeId(id, found.version + 1))
      .lean<ChangeDocument>();
    return toPending(unapplied ? await this.apply(id, found.version, unapplied) : found);
  }

  /**
   * Replaces the fields at the version read, adding 1 to it; StaleVersionError when the version
   * moved meanwhile.
   */
  async change(
    id: string,
    expectedVersion: number,
    fields: Partial<Omit<PendingDemand, 'id' | 'version'>>,
    unset: ReadonlyArray<'department' | 'email'> = [],
  ): Promise<PendingDemand> {
    const change: ChangeDocument = {
      _id: changeId(id, expectedVersion + 1),
      set: { ...fields },
      unset: [...unset],
      at: new Date().toISOString(),
    };
    try {
      await this.changes.insertMany([change], { lean: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const current = await this.find(id);
      throw new StaleVersionError('the demand was changed since it was read', {
        currentVersion: current?.version,
      });
    }
    return toPending(await this.apply(id, expectedVersion, change));
  }

  /** Applies the change that took `version + 1`; a second application finds it done. */
  private async apply(
    id: string,
    version: number,
    change: Pick<ChangeDocument, 'set' | 'unset'>,
  ): Promise<PendingDocument> {
    await this.pending.updateOne(
      { _id: id, version },
      {
        $set: { ...change.set, version: version + 1 },
        ...(change.unset.length > 0
          ? { $unset: Object.fromEntries(change.unset.map((field) => [field, ''])) }
          : {}),
      },
    );
    const applied = await this.pending.findById(id).lean<PendingDocument>();
    if (!applied) throw new StaleVersionError('the demand is gone', {});
    return applied;
  }
}
