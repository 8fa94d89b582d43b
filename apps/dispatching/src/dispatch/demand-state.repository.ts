import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  type CloudEvent,
  type DemandEventData,
  type DemandSnapshot,
  type DocumentEventData,
  DemandEventTypes,
} from '@sne/contracts';
import { isDuplicateKeyError, MONGO_CONNECTION } from '@sne/persistence';
import { type Connection, type Model, Schema } from 'mongoose';

const DEMAND_EVENT_TYPES = new Set<string>(Object.values(DemandEventTypes));

export const isDemandEvent = (event: CloudEvent): event is CloudEvent<string, DemandEventData> =>
  DEMAND_EVENT_TYPES.has(event.type);

interface DemandStateDocument {
  /** numéro unique */
  _id: string;
  version: number;
  state: string;
  department: string;
  snapshot: DemandSnapshot;
  /** The event that brought this version: what a backfill delivers. */
  lastEvent: CloudEvent;
  updatedAt: string;
}

const schema = new Schema<DemandStateDocument>(
  {
    _id: String,
    version: { type: Number, required: true },
    state: { type: String, required: true },
    department: { type: String, required: true },
    snapshot: { type: Schema.Types.Mixed, required: true },
    lastEvent: { type: Schema.Types.Mixed, required: true },
    updatedAt: { type: String, required: true },
  },
  { versionKey: false, minimize: false },
);
// Serves: backfill and dry runs over the active stock of a territory.
schema.index({ state: 1, department: 1 });

/**
 * The dispatcher's own projection of each demand's latest state, fed by demand events: document
 * events are matched with it, and it is the stock that backfills and dry runs read.
 */
@Injectable()
export class DemandStateRepository implements OnModuleInit {
  private readonly states: Model<DemandStateDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.states = connection.model<DemandStateDocument>('DemandState', schema, 'demand_states');
  }

  async onModuleInit(): Promise<void> {
    await this.states.init();
  }

  /**
   * Keeps the newest version: an older or replayed event changes nothing. Reads and writes go by
   * `_id` alone, the one filter FerretDB answers from its primary key (a compound filter such as
   * `{ _id, version: { $lt } }` scans the whole collection there, ADR 0006). Comparing in code is
   * safe because one demand's events come from one partition, handled by one consumer at a time;
   * a first version races only with itself, and the unique `_id` settles that.
   */
  async record(event: CloudEvent<string, DemandEventData>, at: Date): Promise<void> {
    const demand = event.data.demand;
    const fields = {
      version: demand.version,
      state: demand.state,
      department: demand.department,
      snapshot: demand,
      lastEvent: event,
      updatedAt: at.toISOString(),
    };
    const stored = await this.states
      .findById(demand.numeroUnique, { version: 1 })
      .lean<Pick<DemandStateDocument, '_id' | 'version'>>();
    if (stored && stored.version >= demand.version) return;
    if (stored) {
      await this.states.updateOne({ _id: demand.numeroUnique }, { $set: fields });
      return;
    }
    try {
      await this.states.insertMany([{ _id: demand.numeroUnique, ...fields }], { lean: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // Inserted meanwhile by a replay of an earlier event: compare again against that.
      await this.record(event, at);
    }
  }

  /** The demand an event is about: carried by demand events, looked up for document events. */
  async demandOf(event: CloudEvent): Promise<DemandSnapshot | undefined> {
    if (isDemandEvent(event)) return event.data.demand;
    return this.find((event.data as DocumentEventData).numeroUnique);
  }

  /** The active demands, optionally of some departments only, one at a time (no full load). */
  async *active(
    departments?: ReadonlySet<string>,
  ): AsyncGenerator<{ snapshot: DemandSnapshot; lastEvent: CloudEvent }> {
    const filter = departments
      ? { state: 'active', department: { $in: [...departments] } }
      : { state: 'active' };
    const cursor = this.states
      .find(filter, { snapshot: 1, lastEvent: 1 })
      .lean<DemandStateDocument>()
      .cursor({ batchSize: 500 });
    for await (const document of cursor) {
      yield { snapshot: document.snapshot, lastEvent: document.lastEvent };
    }
  }

  async find(numeroUnique: string): Promise<DemandSnapshot | undefined> {
    const document = await this.states.findById(numeroUnique).lean<DemandStateDocument>();
    return document?.snapshot;
  }
}
