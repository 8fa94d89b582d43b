import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { AuditAction, AuditRecordData } from '@sne/contracts';
import {
  AUDIT_DOCUMENT_FIELDS,
  type AuditDocument,
  fromAuditDocument,
  toAuditDocument,
} from '@sne/audit';
import { insertAbsent, MONGO_CONNECTION } from '@sne/persistence';
import { type Connection, type Model, Schema } from 'mongoose';

export interface AuditQuery {
  readonly who?: string;
  /** Entries where this guichet read (`guichet:X`) or received the data, or was concerned. */
  readonly guichet?: string;
  readonly numeroUnique?: string;
  readonly action?: AuditAction;
  readonly from?: string;
  readonly to?: string;
  /** Only entries of these departments; `'all'` for the national level. */
  readonly departments: readonly string[] | 'all';
  readonly limit: number;
}

/**
 * The platform's audit trail (`audit_trail`), insert-only, one document per entry id: an entry
 * delivered twice by the topic is kept once.
 */
@Injectable()
export class AuditTrailRepository implements OnModuleInit {
  private readonly entries: Model<AuditDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    const schema = new Schema<AuditDocument>(AUDIT_DOCUMENT_FIELDS, { versionKey: false });
    // Serve: who read this demand; what did this person or guichet do; a territory's period.
    schema.index({ numeroUniques: 1, at: 1 });
    schema.index({ who: 1, at: 1 });
    schema.index({ departments: 1, at: 1 });
    this.entries = connection.model<AuditDocument>('AuditTrailEntry', schema, 'audit_trail');
  }

  async onModuleInit(): Promise<void> {
    await this.entries.init();
  }

  /** Keeps entries not kept yet; an id already there is a redelivery, skipped. */
  async keep(records: readonly AuditRecordData[]): Promise<void> {
    await insertAbsent(this.entries, records.map(toAuditDocument));
  }

  /** Entries matching every criterion given, newest first. */
  async query(query: AuditQuery): Promise<AuditRecordData[]> {
    const filter: Record<string, unknown>[] = [];
    if (query.who) filter.push({ who: query.who });
    if (query.guichet)
      filter.push({ $or: [{ who: `guichet:${query.guichet}` }, { guichet: query.guichet }] });
    if (query.numeroUnique) filter.push({ numeroUniques: query.numeroUnique });
    if (query.action) filter.push({ action: query.action });
    if (query.from || query.to)
      filter.push({
        at: {
          ...(query.from ? { $gte: query.from } : {}),
          ...(query.to ? { $lte: query.to } : {}),
        },
      });
    if (query.departments !== 'all') filter.push({ departments: { $in: [...query.departments] } });
    const documents = await this.entries
      .find(filter.length > 0 ? { $and: filter } : {})
      .sort({ at: -1, _id: 1 })
      .limit(query.limit)
      .lean<AuditDocument[]>();
    return documents.map(fromAuditDocument);
  }
}
