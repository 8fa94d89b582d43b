import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { type Caller, principalLabel } from '@sne/auth';
import { AuditTrail, MONGO_CONNECTION, type AuditRecord } from '@sne/persistence';
import type { Connection } from 'mongoose';

export type AuditAction =
  | 'read-demand'
  | 'update-demand'
  | 'search-demands'
  | 'read-pending-demand'
  | 'update-pending-demand';

export interface AuditEntry {
  readonly principal: Caller;
  readonly action: AuditAction;
  /** The numéro unique, or `pending:<id>` for a draft or a portal demand not validated yet. */
  readonly numeroUnique: string;
  readonly at: Date;
}

/** Who read or changed which demand's personal data, when: insert-only. */
@Injectable()
export class AuditLog implements OnModuleInit {
  private readonly trail: AuditTrail<AuditAction>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.trail = new AuditTrail(connection);
  }

  onModuleInit(): Promise<void> {
    return this.trail.init();
  }

  record(...entries: AuditEntry[]): Promise<void> {
    return this.trail.record(
      entries.map(({ principal, action, numeroUnique, at }) => ({
        who: principalLabel(principal),
        action,
        numeroUnique,
        at: at.toISOString(),
      })),
    );
  }

  of(numeroUnique: string): Promise<Array<AuditRecord<AuditAction>>> {
    return this.trail.of(numeroUnique);
  }
}
