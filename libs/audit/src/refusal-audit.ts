import { Injectable } from '@nestjs/common';
import type { Caller } from '@sne/auth';
import { NUMERO_UNIQUE, GUICHET_CODE } from '@sne/contracts';
import type { DomainError, RefusalRecorder, RefusedRequest } from '@sne/platform';
import { AuditLog } from './audit-log';
import { departmentsOf } from './audit-record';

/**
 * Every refusal of an authenticated caller goes into the trail as `access-refused`: the route as
 * declared, the reason, the demand or guichet it was about, bounded by the caller's territory.
 */
@Injectable()
export class RefusalAudit implements RefusalRecorder {
  constructor(private readonly audit: AuditLog) {}

  async refused(request: RefusedRequest, error: DomainError): Promise<void> {
    const caller = (request.principal ?? request.applicant) as Caller;
    const numeroUnique = request.params.numeroUnique;
    const guichet = request.params.code;
    await this.audit.record({
      principal: caller,
      action: 'access-refused',
      ...(numeroUnique && NUMERO_UNIQUE.test(numeroUnique) ? { numeroUnique } : {}),
      ...(guichet && GUICHET_CODE.test(guichet) ? { guichet } : {}),
      departments: departmentsOf(caller),
      detail: `${request.method} ${request.route}: ${error.code}: ${error.message}`,
      at: new Date(),
    });
  }
}
