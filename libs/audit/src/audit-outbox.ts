import type { AuditRecordData } from '@sne/contracts';
import { type Connection, type Model, Schema } from 'mongoose';

type OutboxDocument = Omit<AuditRecordData, 'id'> & { _id: string };

/**
 * The app's audit entries not yet on the audit topic (`audit_outbox`). An entry is inserted
 * before the data it records goes out, and deleted once Kafka has it: the collection holds only
 * what is in flight, so finding what a crash left behind never scans the history.
 */
export class AuditOutbox {
  private readonly entries: Model<OutboxDocument>;

  constructor(connection: Connection) {
    const schema = new Schema<OutboxDocument>(
      {
        _id: String,
        who: String,
        action: String,
        channel: String,
        app: String,
        numeroUniques: [String],
        departments: [String],
        documentId: String,
        guichet: String,
        detail: String,
        at: String,
        correlationId: String,
      },
      { versionKey: false },
    );
    this.entries = connection.model<OutboxDocument>('AuditOutboxEntry', schema, 'audit_outbox');
  }

  async init(): Promise<void> {
    await this.entries.init();
  }

  async insert(records: readonly AuditRecordData[]): Promise<void> {
    await this.entries.insertMany(
      records.map(({ id, ...record }) => ({ _id: id, ...record })),
      { lean: true },
    );
  }

  async pending(limit: number): Promise<AuditRecordData[]> {
    const documents = await this.entries.find({}).limit(limit).lean<OutboxDocument[]>();
    return documents.map(({ _id, ...record }) => ({ id: _id, ...record }));
  }

  async remove(ids: readonly string[]): Promise<void> {
    await this.entries.deleteMany({ _id: { $in: [...ids] } });
  }
}
