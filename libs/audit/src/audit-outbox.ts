import type { AuditRecordData } from '@sne/contracts';
import { type Connection, type Model, Schema } from 'mongoose';
import {
  AUDIT_DOCUMENT_FIELDS,
  type AuditDocument,
  fromAuditDocument,
  toAuditDocument,
} from './audit-document';

/**
 * The app's audit entries not yet on the audit topic (`audit_outbox`). An entry is inserted
 * before the data it records goes out, and deleted once Kafka has it: the collection holds only
 * what is in flight, so finding what a crash left behind never scans the history.
 */
export class AuditOutbox {
  private readonly entries: Model<AuditDocument>;

  constructor(connection: Connection) {
    const schema = new Schema<AuditDocument>(AUDIT_DOCUMENT_FIELDS, { versionKey: false });
    this.entries = connection.model<AuditDocument>('AuditOutboxEntry', schema, 'audit_outbox');
  }

  async init(): Promise<void> {
    await this.entries.init();
  }

  async insert(records: readonly AuditRecordData[]): Promise<void> {
    await this.entries.insertMany(records.map(toAuditDocument), { lean: true });
  }

  async pending(limit: number): Promise<AuditRecordData[]> {
    const documents = await this.entries.find({}).limit(limit).lean<AuditDocument[]>();
    return documents.map(fromAuditDocument);
  }

  async remove(ids: readonly string[]): Promise<void> {
    await this.entries.deleteMany({ _id: { $in: [...ids] } });
  }
}
