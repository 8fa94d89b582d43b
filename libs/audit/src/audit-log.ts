import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { type Caller, principalLabel } from '@sne/auth';
import { MONGO_CONNECTION } from '@sne/persistence';
import { currentCorrelationId } from '@sne/platform';
import { type Connection, type Model, Schema } from 'mongoose';
import { randomUUID } from 'node:crypto';

/** Every access to personal data the platform records: the vocabulary of the audit trail. */
export const AUDIT_ACTIONS = [
  'read-demand',
  'update-demand',
  'search-demands',
  'read-pending-demand',
  'update-pending-demand',
  'download-document',
  'read-document-journal',
  'read-feed',
  'deliver',
  'backfill',
  'replay',
  'dry-run',
  'download-letters',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** How the data left: an API answer, a CSV export, a pull-feed page, a delivery, printed letters. */
export type AuditChannel = 'api' | 'csv' | 'feed' | 'webhook' | 'kafka' | 'letters';

/** The platform itself acting (a scheduled job, a migration), named like a principal. */
export interface SystemActor {
  readonly kind: 'system';
  readonly id: string;
}

export interface AuditEntry {
  /** Who: a principal, the platform, or a label `principalLabel` already gave. */
  readonly principal: Caller | SystemActor | string;
  readonly action: AuditAction;
  readonly channel?: AuditChannel;
  /** The demand whose data was read: its numéro unique, or `pending:<id>` before it has one. */
  readonly numeroUnique?: string;
  /** Several demands read at once (a search page, a feed page, a backfill batch). */
  readonly numeroUniques?: readonly string[];
  /** The supporting document, for a download. */
  readonly documentId?: string;
  /** The guichet the data went to, when it is not the caller (a delivery). */
  readonly guichet?: string;
  readonly at: Date;
}

/** One access as kept. */
export interface AuditRecord {
  /** Who, as `principalLabel` names them: `guichet:10691`, `operator:jdupont`, `system:…`. */
  readonly who: string;
  readonly action: AuditAction;
  readonly channel: AuditChannel;
  readonly numeroUniques: readonly string[];
  /** The departments of those demands (from their numéros): what bounds a manager's reading. */
  readonly departments: readonly string[];
  readonly documentId?: string;
  readonly guichet?: string;
  readonly at: string;
  readonly correlationId?: string;
}

export interface AuditQuery {
  readonly who?: string;
  /** Entries where this guichet read (`guichet:X`) or received the data. */
  readonly guichet?: string;
  readonly numeroUnique?: string;
  readonly action?: AuditAction;
  readonly from?: string;
  readonly to?: string;
  /** Only entries of these departments; `'all'` for the national level. */
  readonly departments: readonly string[] | 'all';
  readonly limit: number;
}

type AuditDocument = AuditRecord & { _id: string };

const departmentOf = (numeroUnique: string) =>
  /^[0-9]{2}[0-9AB] /.test(numeroUnique) ? numeroUnique.slice(0, 3) : undefined;

const labelOf = (actor: Caller | SystemActor | string) =>
  typeof actor === 'string'
    ? actor
    : actor.kind === 'system'
      ? `system:${actor.id}`
      : principalLabel(actor);

/**
 * The app's audit trail (`audit_log`): who read or changed which demands' personal data, when and
 * through which channel. Insert-only; each entry carries the request's correlation id. Written
 * before the data goes out, so a read that is not recorded does not happen.
 */
@Injectable()
export class AuditLog implements OnModuleInit {
  private readonly entries: Model<AuditDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    const schema = new Schema<AuditDocument>(
      {
        _id: String,
        who: String,
        action: String,
        channel: String,
        numeroUniques: [String],
        departments: [String],
        documentId: String,
        guichet: String,
        at: String,
        correlationId: String,
      },
      { versionKey: false },
    );
    // Serve: who read this demand; what did this person or guichet read; a territory's period.
    schema.index({ numeroUniques: 1, at: 1 });
    schema.index({ who: 1, at: 1 });
    schema.index({ departments: 1, at: 1 });
    this.entries = connection.model<AuditDocument>('AuditEntry', schema, 'audit_log');
  }

  async onModuleInit(): Promise<void> {
    await this.entries.init();
  }

  async record(...entries: AuditEntry[]): Promise<void> {
    const kept = entries.map((entry) => ({
      entry,
      numeroUniques: [
        ...new Set([
          ...(entry.numeroUnique ? [entry.numeroUnique] : []),
          ...(entry.numeroUniques ?? []),
        ]),
      ],
    }));
    if (kept.length === 0) return;
    const correlationId = currentCorrelationId();
    await this.entries.insertMany(
      kept.map(({ entry, numeroUniques }) => ({
        _id: randomUUID(),
        who: labelOf(entry.principal),
        action: entry.action,
        channel: entry.channel ?? 'api',
        numeroUniques,
        departments: [
          ...new Set(numeroUniques.map(departmentOf).filter((code) => code !== undefined)),
        ],
        ...(entry.documentId ? { documentId: entry.documentId } : {}),
        ...(entry.guichet ? { guichet: entry.guichet } : {}),
        at: entry.at.toISOString(),
        ...(correlationId ? { correlationId } : {}),
      })),
      { lean: true },
    );
  }

  /** Every entry naming this demand, oldest first. */
  async of(numeroUnique: string): Promise<AuditRecord[]> {
    return this.entries
      .find({ numeroUniques: numeroUnique }, { _id: 0 })
      .sort({ at: 1 })
      .lean<AuditRecord[]>();
  }

  /** Entries matching every criterion given, newest first. */
  async query(query: AuditQuery): Promise<AuditRecord[]> {
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
    return this.entries
      .find(filter.length > 0 ? { $and: filter } : {}, { _id: 0 })
      .sort({ at: -1 })
      .limit(query.limit)
      .lean<AuditRecord[]>();
  }
}
