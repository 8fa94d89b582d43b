import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  type CloudEvent,
  type DemandEventData,
  type DemandSnapshot,
  type DocumentEventData,
  DemandEventTypes,
} from '@sne/contracts';
import { isOnlyDuplicateKeyErrors, MONGO_CONNECTION } from '@sne/persistence';
import { type AnyBulkWriteOperation, type Connection, type Model, Schema } from 'mongoose';

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
   * Keeps the newest version of each demand: an older or replayed event changes nothing. Reads
   * and writes go by `_id` alone, the one filter FerretDB answers from its primary key (a compound
   * filter such as `{ _id, version: { $lt } }` scans the whole collection there, ADR 0006): the
   * stored versions are read at once, compared in code, then every change goes in one unordered
   * bulk write. Comparing in code is safe because one demand's events come from one partition,
   * handled by one consumer at a time; a first version races only with itself, and the unique
   * `_id` settles that.
   */
  async record(
    events: ReadonlyArray<CloudEvent<string, DemandEventData>>,
    at: Date,
  ): Promise<void> {
    const newest = new Map<string, CloudEvent<string, DemandEventData>>();
    for (const event of events) {
      const demand = event.data.demand;
      const kept = newest.get(demand.numeroUnique);
      if (!kept || kept.data.demand.version < demand.version)
        newest.set(demand.numeroUnique, event);
    }
    const candidates = [...newest.values()];
    const stored = await Promise.all(
      candidates.map((event) =>
        this.states
          .findById(event.data.demand.numeroUnique, { version: 1 })
          .lean<Pick<DemandStateDocument, '_id' | 'version'>>(),
      ),
    );
    const inserted: Array<CloudEvent<string, DemandEventData>> = [];
    const operations = candidates.flatMap(
      (event, i): AnyBulkWriteOperation<DemandStateDocument>[] => {
        const demand = event.data.demand;
        const current = stored[i];
        if (current && current.version >= demand.version) return [];
        const fields = {
          version: demand.version,
          state: demand.state,
          department: demand.department,
          snapshot: demand,
          lastEvent: event,
          updatedAt: at.toISOString(),
        };
        if (current)
          return [
            { updateOne: { filter: { _id: demand.numeroUnique }, update: { $set: fields } } },
          ];
        inserted.push(event);
        return [{ insertOne: { document: { _id: demand.numeroUnique, ...fields } } }];
      },
    );
    if (operations.length === 0) return;
    try {
      await this.states.bulkWrite(operations, { ordered: false });
    } catch (error) {
      if (!isOnlyDuplicateKeyErrors(error)) throw error;
      // Inserted meanwhile by a replay of an earlier event: compare again against that. The
      // other writes of the bulk went through (unordered); repeating them changes nothing.
      await this.record(inserted, at);
    }
  }

  /** The demand an event is about: carried by demand events, looked up for document events. */
  async demandOf(event: CloudEvent): Promise<DemandSnapshot | undefined> {
    return (await this.demandsOf([event]))[0];
  }

  /**
   * The demand each event is about: carried by demand events, looked up for document events
   * (each demand once, all at the same time).
   */
  async demandsOf(events: readonly CloudEvent[]): Promise<Array<DemandSnapshot | undefined>> {
    const lookups = new Map<string, Promise<DemandSnapshot | undefined>>();
    return Promise.all(
      events.map((event) => {
        if (isDemandEvent(event)) return Promise.resolve(event.data.demand);
        const numeroUnique = (event.data as DocumentEventData).numeroUnique;
        let lookup = lookups.get(numeroUnique);
        if (!lookup) lookups.set(numeroUnique, (lookup = this.find(numeroUnique)));
        return lookup;
      }),
    );
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
