import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { type Caller, principalLabel } from '@sne/auth';
import { AuditTrail, MONGO_CONNECTION, type AuditRecord } from '@sne/persistence';
import type { Connection } from 'mongoose';

export type AuditAction = 'download-document';

export interface AuditEntry {
  readonly principal: Caller;
  readonly action: AuditAction;
  readonly numeroUnique: string;
  readonly documentId: string;
  readonly at: Date;
}

/** Who downloaded which supporting document, when: insert-only, written before the bytes go out. */
@Injectable()
export class AuditLog implements OnModuleInit {
  private readonly trail: AuditTrail<AuditAction>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.trail = new AuditTrail(connection);
  }

  onModuleInit(): Promise<void> {
    return this.trail.init();
  }

  record(entry: AuditEntry): Promise<void> {
    return this.trail.record([
      {
        who: principalLabel(entry.principal),
        action: entry.action,
        numeroUnique: entry.numeroUnique,
        documentId: entry.documentId,
        at: entry.at.toISOString(),
      },
    ]);
  }

  of(numeroUnique: string): Promise<Array<AuditRecord<AuditAction>>> {
    return this.trail.of(numeroUnique);
  }
}
