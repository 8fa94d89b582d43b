import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { type Caller, principalLabel } from '@sne/auth';
import { currentCorrelationId } from '@sne/platform';
import { MONGO_CONNECTION } from '@sne/persistence';
import { type Connection, type Model, Schema } from 'mongoose';
import { randomUUID } from 'node:crypto';

export interface AuditEntry {
  readonly principal: Caller;
  readonly action:
    | 'read-demand'
    | 'update-demand'
    | 'search-demands'
    | 'read-pending-demand'
    | 'update-pending-demand';
  /** The numéro unique, or `pending:<id>` for a draft or a portal demand not validated yet. */
  readonly numeroUnique: string;
  readonly at: Date;
}

interface AuditDocument {
  _id: string;
  who: string;
  action: string;
  numeroUnique: string;
  at: string;
  correlationId?: string;
}

const schema = new Schema<AuditDocument>(
  {
    _id: String,
    who: String,
    action: String,
    numeroUnique: String,
    at: String,
    correlationId: String,
  },
  { versionKey: false },
);
// Serves: "who read this demand" and audits by period.
schema.index({ numeroUnique: 1, at: 1 });

/** Who read or changed which demand's personal data, when: insert-only. */
@Injectable()
export class AuditLog implements OnModuleInit {
  private readonly entries: Model<AuditDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.entries = connection.model<AuditDocument>('AuditEntry', schema, 'audit_log');
  }

  async onModuleInit(): Promise<void> {
    await this.entries.init();
  }

  async record(...entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const correlationId = currentCorrelationId();
    await this.entries.insertMany(
      entries.map((entry) => ({
        _id: randomUUID(),
        who: principalLabel(entry.principal),
        action: entry.action,
        numeroUnique: entry.numeroUnique,
        at: entry.at.toISOString(),
        ...(correlationId ? { correlationId } : {}),
      })),
      { lean: true },
    );
  }

  async of(numeroUnique: string): Promise<Array<Omit<AuditDocument, '_id'>>> {
    return this.entries
      .find({ numeroUnique }, { _id: 0 })
      .sort({ at: 1 })
      .lean<Array<Omit<AuditDocument, '_id'>>>();
  }
}
