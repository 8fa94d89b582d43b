import { type DynamicModule, Module } from '@nestjs/common';
import { REFUSAL_RECORDER } from '@sne/platform';
import { AUDIT_SETTINGS, AuditLog, type AuditSettings } from './audit-log';
import { RefusalAudit } from './refusal-audit';

/**
 * The audit trail's recording side for one app: `AuditLog`, and every refusal recorded. Global,
 * so the shared error filter finds its refusal recorder.
 */
@Module({})
export class AuditModule {
  static forRoot(settings: AuditSettings = { sweepMs: 30_000 }): DynamicModule {
    return {
      module: AuditModule,
      global: true,
      providers: [
        { provide: AUDIT_SETTINGS, useValue: settings },
        AuditLog,
        { provide: REFUSAL_RECORDER, useClass: RefusalAudit },
      ],
      exports: [AuditLog, REFUSAL_RECORDER],
    };
  }
}
