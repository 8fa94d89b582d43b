import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { DemandInput, DraftDemandInput } from '@sne/domain';
import { MONGO_CONNECTION } from '@sne/persistence';
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

const toPending = ({ _id, ...rest }: PendingDocument): PendingDemand => ({ id: _id, ...rest });

/**
 * Drafts and portal demands, one document each: every change is one conditional update on
 * `_id` and version, so a stale writer gets 409 and nothing else is touched (ADR 0007).
 */
@Injectable()
export class PendingDemandRepository implements OnModuleInit {
  private readonly pending: Model<PendingDocument>;

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
  }

  async onModuleInit(): Promise<void> {
    await this.pending.init();
  }

  async create(demand: PendingDemand): Promise<void> {
    const { id, ...rest } = demand;
    await this.pending.insertMany([{ _id: id, ...rest }], { lean: true });
  }

  async find(id: string): Promise<PendingDemand | undefined> {
    const found = await this.pending.findById(id).lean<PendingDocument>();
    return found ? toPending(found) : undefined;
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
    const updated = await this.pending
      .findOneAndUpdate(
        { _id: id, version: expectedVersion },
        {
          $set: { ...fields, version: expectedVersion + 1 },
          ...(unset.length > 0 ? { $unset: Object.fromEntries(unset.map((f) => [f, ''])) } : {}),
        },
        { new: true },
      )
      .lean<PendingDocument>();
    if (!updated) {
      const current = await this.find(id);
      throw new StaleVersionError('the demand was changed since it was read', {
        currentVersion: current?.version,
      });
    }
    return toPending(updated);
  }
}
