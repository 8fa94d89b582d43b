import { currentCorrelationId } from '@sne/platform';
import { type Connection, type Model, Schema } from 'mongoose';
import { randomUUID } from 'node:crypto';

/** One access to personal data, as kept. */
export interface AuditRecord<A extends string = string> {
  /** Who, as `principalLabel` names them: `guichet:10691`, `operator:jdupont`. */
  readonly who: string;
  readonly action: A;
  /** The demand whose data was read: its numéro unique, or `pending:<id>` before it has one. */
  readonly numeroUnique: string;
  /** The supporting document, for a download. */
  readonly documentId?: string;
  readonly at: string;
  readonly correlationId?: string;
}

type AuditDocument = AuditRecord & { _id: string };

/**
 * An app's audit log (`audit_log`): who read or changed which demand's personal data, when.
 * Insert-only; each entry carries the request's correlation id.
 */
export class AuditTrail<A extends string> {
  private readonly entries: Model<AuditDocument>;

  constructor(connection: Connection) {
    const schema = new Schema<AuditDocument>(
      {
        _id: String,
        who: String,
        action: String,
        numeroUnique: String,
        documentId: String,
        at: String,
        correlationId: String,
      },
      { versionKey: false },
    );
    // Serves: "who read this demand" and audits by period.
    schema.index({ numeroUnique: 1, at: 1 });
    this.entries = connection.model<AuditDocument>('AuditEntry', schema, 'audit_log');
  }

  async init(): Promise<void> {
    await this.entries.init();
  }

  async record(entries: ReadonlyArray<Omit<AuditRecord<A>, 'correlationId'>>): Promise<void> {
    if (entries.length === 0) return;
    const correlationId = currentCorrelationId();
    await this.entries.insertMany(
      entries.map((entry) => ({
        _id: randomUUID(),
        ...entry,
        ...(correlationId ? { correlationId } : {}),
      })),
      { lean: true },
    );
  }

  async of(numeroUnique: string): Promise<Array<AuditRecord<A>>> {
    return this.entries
      .find({ numeroUnique }, { _id: 0 })
      .sort({ at: 1 })
      .lean<Array<AuditRecord<A>>>();
  }
}
