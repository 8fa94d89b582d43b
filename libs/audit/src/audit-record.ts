import { type Caller, principalLabel } from '@sne/auth';
import type { AuditAction, AuditChannel, AuditRecordData } from '@sne/contracts';
import { randomUUID } from 'node:crypto';

/** The platform itself acting (a scheduled job, a migration), named like a principal. */
export interface SystemActor {
  readonly kind: 'system';
  readonly id: string;
}

export interface AuditEntry {
  /** A stable id, when the act has one (a delivery): a repeated act is then kept once. */
  readonly id?: string;
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
  /** The guichet the data went to or the act was about, when it is not the caller. */
  readonly guichet?: string;
  /** Departments concerned beyond those of the numéros (a security event's territory). */
  readonly departments?: readonly string[];
  /** Of a security event: what, and why. Never personal data. */
  readonly detail?: string;
  readonly at: Date;
}

const departmentOf = (numeroUnique: string) =>
  /^[0-9]{2}[0-9AB] /.test(numeroUnique) ? numeroUnique.slice(0, 3) : undefined;

const labelOf = (actor: Caller | SystemActor | string) =>
  typeof actor === 'string'
    ? actor
    : actor.kind === 'system'
      ? `system:${actor.id}`
      : principalLabel(actor);

/** The departments a principal acts in, as a security event about them is bounded. */
export function departmentsOf(actor: Caller | SystemActor | string): readonly string[] {
  if (typeof actor === 'string' || actor.kind === 'system' || actor.kind === 'applicant') return [];
  return actor.territory === 'all' ? [] : actor.territory;
}

/** An entry as the trail keeps it: named, its numéros deduplicated, its departments derived. */
export function auditRecordOf(
  entry: AuditEntry,
  app: string,
  correlationId: string | undefined,
): AuditRecordData {
  const numeroUniques = [
    ...new Set([
      ...(entry.numeroUnique ? [entry.numeroUnique] : []),
      ...(entry.numeroUniques ?? []),
    ]),
  ];
  return {
    id: entry.id ?? randomUUID(),
    who: labelOf(entry.principal),
    action: entry.action,
    channel: entry.channel ?? 'api',
    app,
    numeroUniques,
    departments: [
      ...new Set([
        ...numeroUniques.map(departmentOf).filter((code) => code !== undefined),
        ...(entry.departments ?? []),
      ]),
    ],
    ...(entry.documentId ? { documentId: entry.documentId } : {}),
    ...(entry.guichet ? { guichet: entry.guichet } : {}),
    ...(entry.detail ? { detail: entry.detail.slice(0, 500) } : {}),
    at: entry.at.toISOString(),
    ...(correlationId ? { correlationId } : {}),
  };
}
