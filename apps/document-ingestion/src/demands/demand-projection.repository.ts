import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { DemandEventData } from '@sne/contracts';
import { isDuplicateKeyError, MONGO_CONNECTION } from '@sne/persistence';
import { type Connection, type Model, Schema } from 'mongoose';

/** What this app knows of a demand: enough to attach documents to it and check the territory. */
export interface KnownDemand {
  readonly numeroUnique: string;
  readonly version: number;
  readonly state: string;
  readonly department: string;
  readonly guichetCode: string;
  /** The applicant's address, lower case, when the demand has one: the portal side and scan notices. */
  readonly contactEmail?: string;
}

interface KnownDemandDocument extends Omit<KnownDemand, 'numeroUnique'> {
  /** numéro unique */
  _id: string;
  updatedAt: string;
}

const schema = new Schema<KnownDemandDocument>(
  {
    _id: String,
    version: { type: Number, required: true },
    state: { type: String, required: true },
    department: { type: String, required: true },
    guichetCode: { type: String, required: true },
    contactEmail: String,
    updatedAt: { type: String, required: true },
  },
  { versionKey: false },
);

/**
 * This app's own projection of the demands, fed by the demand events: no call to the
 * registration app on an upload. Read and written by `_id` alone (ADR 0006); the version is
 * compared in code, which is safe because one demand's events come from one partition.
 */
@Injectable()
export class DemandProjectionRepository implements OnModuleInit {
  private readonly demands: Model<KnownDemandDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.demands = connection.model<KnownDemandDocument>('KnownDemand', schema, 'known_demands');
  }

  async onModuleInit(): Promise<void> {
    await this.demands.init();
  }

  /** Keeps the newest version; an older or replayed event changes nothing. */
  async record(data: DemandEventData, at: Date): Promise<void> {
    const demand = data.demand;
    const contact = demand.contact as { email?: unknown } | undefined;
    const email = typeof contact?.email === 'string' ? contact.email.toLowerCase() : undefined;
    const fields = {
      version: demand.version,
      state: demand.state,
      department: demand.department,
      guichetCode: demand.guichetCode,
      ...(email ? { contactEmail: email } : {}),
      updatedAt: at.toISOString(),
    };
    const stored = await this.demands
      .findById(demand.numeroUnique, { version: 1 })
      .lean<Pick<KnownDemandDocument, 'version'>>();
    if (stored && stored.version >= demand.version) return;
    if (stored) {
      await this.demands.replaceOne(
        { _id: demand.numeroUnique },
        { _id: demand.numeroUnique, ...fields },
      );
      return;
    }
    try {
      await this.demands.insertMany([{ _id: demand.numeroUnique, ...fields }], { lean: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // A redelivery of the same first event raced with itself: compare again.
      await this.record(data, at);
    }
  }

  async find(numeroUnique: string): Promise<KnownDemand | undefined> {
    const document = await this.demands.findById(numeroUnique).lean<KnownDemandDocument>();
    if (!document) return undefined;
    return {
      numeroUnique: document._id,
      version: document.version,
      state: document.state,
      department: document.department,
      guichetCode: document.guichetCode,
      ...(document.contactEmail ? { contactEmail: document.contactEmail } : {}),
    };
  }
}
