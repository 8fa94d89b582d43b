import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type OperatorPrincipal, type Principal, Roles } from '@sne/auth';
import {
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditRecordData,
  GUICHET_CODE,
  NUMERO_UNIQUE,
} from '@sne/contracts';
import { spreadsheetCsv } from '@sne/domain';
import { ForbiddenError, type InputIssue, InvalidInputError } from '@sne/platform';
import type { Response } from 'express';
import { type AuditQuery, AuditTrailRepository } from './audit-trail.repository';

const MAX_LIMIT = 1_000;
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z)?$/;
const WHO = /^(operator|guichet|applicant|system):[A-Za-z0-9._:@-]{1,100}$/;

function auditQuery(query: Record<string, unknown>, principal: OperatorPrincipal): AuditQuery {
  const issues: InputIssue[] = [];
  const text = (name: string, pattern: RegExp, expected: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !pattern.test(value)) {
      issues.push({ path: name, message: expected });
      return undefined;
    }
    return value;
  };
  const who = text('who', WHO, 'who, as the trail names them: operator:<id>, guichet:<code>');
  const guichet = text('guichet', GUICHET_CODE, 'a guichet code');
  const numeroUnique = text('numeroUnique', NUMERO_UNIQUE, 'a numéro unique');
  const action = text('action', new RegExp(`^(${AUDIT_ACTIONS.join('|')})$`), 'an audited action');
  const from = text('from', INSTANT, 'YYYY-MM-DD or an ISO instant in UTC');
  const to = text('to', INSTANT, 'YYYY-MM-DD or an ISO instant in UTC');
  const limit = Number(query.limit ?? 200);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    issues.push({ path: 'limit', message: `from 1 to ${MAX_LIMIT}` });
  const format = query.format ?? 'json';
  if (format !== 'json' && format !== 'csv')
    issues.push({ path: 'format', message: 'json or csv' });
  if (issues.length > 0) throw new InvalidInputError('invalid audit search', issues);
  return {
    ...(who ? { who } : {}),
    ...(guichet ? { guichet } : {}),
    ...(numeroUnique ? { numeroUnique } : {}),
    ...(action ? { action: action as AuditAction } : {}),
    ...(from ? { from } : {}),
    // A whole day when only the date is given.
    ...(to ? { to: to.length === 10 ? `${to}T23:59:59.999Z` : to } : {}),
    departments: principal.roles.includes('national-admin') ? 'all' : principal.territory,
    limit,
  };
}

/** A manager sees, of an entry spanning several departments, the numéros of theirs only. */
const boundTo = (
  record: AuditRecordData,
  departments: AuditQuery['departments'],
): AuditRecordData =>
  departments === 'all'
    ? record
    : {
        ...record,
        numeroUniques: record.numeroUniques.filter((numero) =>
          departments.includes(numero.slice(0, 3)),
        ),
        departments: record.departments.filter((code) => departments.includes(code)),
      };

/**
 * The platform's audit trail, for national admins (everything) and territorial managers (the
 * entries of their departments' demands); filtered by person, guichet, demand, action and dates.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditTrailController {
  constructor(private readonly trail: AuditTrailRepository) {}

  @Get()
  @Roles('national-admin', 'territorial-manager')
  @ApiOperation({
    summary:
      'Who read or changed which demands, when and through which channel, and the security events (sign-ins, refusals), newest first; format=csv to export',
  })
  @ApiQuery({ name: 'who', required: false, description: 'operator:<id>, guichet:<code>…' })
  @ApiQuery({ name: 'guichet', required: false, description: 'read by or delivered to it' })
  @ApiQuery({ name: 'numeroUnique', required: false })
  @ApiQuery({ name: 'action', required: false, enum: AUDIT_ACTIONS })
  @ApiQuery({ name: 'from', required: false, description: 'YYYY-MM-DD or ISO instant (UTC)' })
  @ApiQuery({ name: 'to', required: false, description: 'YYYY-MM-DD (whole day) or ISO instant' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT },
  })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  async search(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ entries: AuditRecordData[] } | string> {
    if (principal.kind !== 'operator') throw new ForbiddenError('the audit trail is for operators');
    const search = auditQuery(query, principal);
    const entries = (await this.trail.query(search)).map((record) =>
      boundTo(record, search.departments),
    );
    if (query.format === 'csv') {
      response.setHeader('Content-Type', 'text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', 'attachment; filename="journal-acces.csv"');
      return spreadsheetCsv(
        [
          'date',
          'qui',
          'action',
          'canal',
          'application',
          'numeros_uniques',
          'guichet',
          'piece',
          'detail',
          'correlation',
        ],
        entries.map((entry) => [
          entry.at,
          entry.who,
          entry.action,
          entry.channel,
          entry.app,
          entry.numeroUniques.join(' '),
          entry.guichet,
          entry.documentId,
          entry.detail,
          entry.correlationId,
        ]),
      );
    }
    return { entries };
  }
}
