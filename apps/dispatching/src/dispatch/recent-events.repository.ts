import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { CloudEvent } from '@sne/contracts';
import type { MatchDocument } from '@sne/matching';
import { insertAbsent, MONGO_CONNECTION } from '@sne/persistence';
import { type Connection, type Model, Schema } from 'mongoose';

export const RECENT_EVENTS_DAYS = 30;

export interface RecentEvent {
  readonly eventId: string;
  readonly time: string;
  readonly department?: string;
  readonly guichet?: string;
  /** As matched at the time: a dry run evaluates draft rules on it. */
  readonly document: MatchDocument;
}

interface RecentEventDocument extends Omit<RecentEvent, 'eventId'> {
  _id: string;
}

const schema = new Schema<RecentEventDocument>(
  {
    _id: String,
    time: { type: String, required: true },
    department: String,
    guichet: String,
    document: { type: Schema.Types.Mixed, required: true },
  },
  { versionKey: false, minimize: false },
);
// Serves: dry runs over the last 30 days, by department; purging by age.
schema.index({ department: 1, time: 1 });
schema.index({ time: 1 });

/** The match documents of the last days' events, kept for dry runs of draft rules. */
@Injectable()
export class RecentEventsRepository implements OnModuleInit {
  private readonly events: Model<RecentEventDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.events = connection.model<RecentEventDocument>('RecentEvent', schema, 'recent_events');
  }

  async onModuleInit(): Promise<void> {
    await this.events.init();
  }

  /** Keeps each event's match document once, in one unordered bulk insert. */
  async record(
    matched: ReadonlyArray<{ event: CloudEvent; document: MatchDocument }>,
  ): Promise<void> {
    await insertAbsent(
      this.events,
      matched.map(({ event, document }): RecentEventDocument => {
        const department = (document.demand as { department?: unknown } | undefined)?.department;
        return {
          _id: event.id,
          time: event.time,
          ...(typeof department === 'string' ? { department } : {}),
          ...(event.guichet ? { guichet: event.guichet } : {}),
          document,
        };
      }),
    );
  }

  async *since(date: Date, departments?: ReadonlySet<string>): AsyncGenerator<RecentEvent> {
    const filter = {
      time: { $gte: date.toISOString() },
      ...(departments ? { department: { $in: [...departments] } } : {}),
    };
    for await (const document of this.events
      .find(filter)
      .lean<RecentEventDocument>()
      .cursor({ batchSize: 500 })) {
      const { _id, ...rest } = document;
      yield { eventId: _id, ...rest };
    }
  }

  async purgeOlderThan(date: Date): Promise<number> {
    return (await this.events.deleteMany({ time: { $lt: date.toISOString() } })).deletedCount;
  }
}
