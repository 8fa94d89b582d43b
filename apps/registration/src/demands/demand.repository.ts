import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { CloudEvent } from '@sne/contracts';
import type { Demand } from '@sne/domain';
import { isDuplicateKeyError, MONGO_CONNECTION } from '@sne/persistence';
import { StaleVersionError } from '@sne/platform';
import { type Connection, type Model, Schema } from 'mongoose';

/** A demand as the register keeps it: its numéro is issued. */
export type RegisteredDemand = Demand & { readonly numeroUnique: string };

/** One version of a demand and the event announcing it: the outbox (ADR 0003, ADR 0007). */
export interface DemandRevision {
  readonly numeroUnique: string;
  readonly version: number;
  readonly demand: RegisteredDemand;
  readonly event: CloudEvent;
  readonly published: boolean;
  readonly createdAt: string;
}

interface RevisionDocument extends DemandRevision {
  /** `<numéro>:<version>`: inserting it is what takes the version. */
  _id: string;
}

interface DemandDocument {
  /** numéro unique */
  _id: string;
  version: number;
  demand: RegisteredDemand;
}

export const revisionId = (numeroUnique: string, version: number) => `${numeroUnique}:${version}`;

const revisionSchema = new Schema<RevisionDocument>(
  {
    _id: String,
    numeroUnique: { type: String, required: true },
    version: { type: Number, required: true },
    demand: { type: Schema.Types.Mixed, required: true },
    event: { type: Schema.Types.Mixed, required: true },
    published: { type: Boolean, required: true },
    createdAt: { type: String, required: true },
  },
  { versionKey: false, minimize: false },
);
// Serves: the relay's recovery sweep (revisions a crash left unpublished).
revisionSchema.index({ published: 1, createdAt: 1 });

/**
 * Demands and their revisions. A change inserts the revision `<numéro>:<version>` first: the
 * unique `_id` makes it the one change of that version (a concurrent one gets 409), and the
 * revision carries the event, so the change and its announcement are one write. The current
 * demand is a projection of the latest revision, written next; a reader that finds the next
 * revision already there (a crash between the two writes) rolls the projection forward.
 */
@Injectable()
export class DemandRepository implements OnModuleInit {
  private readonly revisions: Model<RevisionDocument>;
  private readonly demands: Model<DemandDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.revisions = connection.model<RevisionDocument>(
      'DemandRevision',
      revisionSchema,
      'demand_revisions',
    );
    this.demands = connection.model<DemandDocument>(
      'Demand',
      new Schema<DemandDocument>(
        {
          _id: String,
          version: { type: Number, required: true },
          demand: { type: Schema.Types.Mixed, required: true },
        },
        { versionKey: false, minimize: false },
      ),
      'demands',
    );
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.revisions.init(), this.demands.init()]);
  }

  /**
   * Records a new version (1 for a registration). Throws StaleVersionError when that version
   * exists already: someone else changed the demand since it was read.
   */
  async save(demand: RegisteredDemand, event: CloudEvent, at: Date): Promise<DemandRevision> {
    const revision: DemandRevision = {
      numeroUnique: demand.numeroUnique,
      version: demand.version,
      demand,
      event,
      published: false,
      createdAt: at.toISOString(),
    };
    try {
      await this.revisions.insertMany(
        [{ _id: revisionId(demand.numeroUnique, demand.version), ...revision }],
        { lean: true },
      );
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      throw new StaleVersionError('the demand was changed meanwhile: read it again', {
        numeroUnique: demand.numeroUnique,
        version: demand.version - 1,
      });
    }
    await this.project(demand);
    return revision;
  }

  /** The current demand, rolled forward if a crash left its projection behind. */
  async find(numeroUnique: string): Promise<RegisteredDemand | undefined> {
    const current = await this.demands.findById(numeroUnique).lean<DemandDocument>();
    let demand = current?.demand;
    let version = current?.version ?? 0;
    for (;;) {
      const next = await this.revisions
        .findById(revisionId(numeroUnique, version + 1), { demand: 1 })
        .lean<Pick<RevisionDocument, 'demand'>>();
      if (!next) break;
      demand = next.demand;
      version++;
    }
    if (demand && version !== current?.version) await this.project(demand);
    return demand;
  }

  async markPublished(numeroUnique: string, version: number): Promise<void> {
    await this.revisions.updateOne(
      { _id: revisionId(numeroUnique, version) },
      { $set: { published: true } },
    );
  }

  async isPublished(numeroUnique: string, version: number): Promise<boolean> {
    const revision = await this.revisions
      .findById(revisionId(numeroUnique, version), { published: 1 })
      .lean<Pick<RevisionDocument, 'published'>>();
    return revision?.published ?? true;
  }

  /** Revisions not yet published, oldest first (the relay's recovery after a crash). */
  async unpublished(limit: number): Promise<DemandRevision[]> {
    const documents = await this.revisions
      .find({ published: false }, { _id: 0 })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean<DemandRevision[]>();
    return documents.sort(
      (a, b) => a.numeroUnique.localeCompare(b.numeroUnique) || a.version - b.version,
    );
  }

  /**
   * One page of the demands a filter selects (over the projection; the filter comes from
   * `searchFilter`, made of checked values only), in numéro order, with the total.
   */
  async search(
    filter: Record<string, unknown>,
    page: number,
    pageSize: number,
  ): Promise<{ total: number; demands: RegisteredDemand[] }> {
    const [total, documents] = await Promise.all([
      this.demands.countDocuments(filter),
      this.demands
        .find(filter, { demand: 1 })
        .sort({ _id: 1 })
        .skip((page - 1) * pageSize)
        .limit(pageSize)
        .lean<Array<Pick<DemandDocument, 'demand'>>>(),
    ]);
    return { total, demands: documents.map((document) => document.demand) };
  }

  private async project(demand: RegisteredDemand): Promise<void> {
    await this.demands.replaceOne(
      { _id: demand.numeroUnique },
      { _id: demand.numeroUnique, version: demand.version, demand },
      { upsert: true },
    );
  }
}
