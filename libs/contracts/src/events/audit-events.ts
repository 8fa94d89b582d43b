import { DEPARTMENT_CODE_PATTERN, GUICHET_CODE_PATTERN } from '../identifiers';
/**
 * The audit trail's vocabulary. Each app records what it did with personal data, and what it
 * refused or granted that bears on security, as `sne.audit.recorded.v1` events on one topic; the
 * audit-trail app gathers them into the platform's one trail.
 */
export const AuditEventTypes = {
  Recorded: 'sne.audit.recorded.v1',
} as const;

/** Reads and changes of personal data. */
export const PERSONAL_DATA_ACTIONS = [
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
  'explain',
  'download-letters',
] as const;

/** Security events: who got in, who was refused, who was given a national reach or a secret. */
export const SECURITY_ACTIONS = [
  'sign-in',
  'sign-out',
  'access-refused',
  'create-national-guichet',
  'issue-kafka-credentials',
  'issue-oauth-credentials',
  'revoke-oauth-client',
  'retire-guichet',
] as const;

export const AUDIT_ACTIONS = [...PERSONAL_DATA_ACTIONS, ...SECURITY_ACTIONS] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** How the data left or the act came in: an API answer, a CSV export, a feed page, a delivery… */
export const AUDIT_CHANNELS = [
  'api',
  'csv',
  'feed',
  'webhook',
  'kafka',
  'letters',
  'console',
] as const;
export type AuditChannel = (typeof AUDIT_CHANNELS)[number];

/** One entry of the trail, as recorded by an app and carried by its event. */
export interface AuditRecordData {
  /** Unique: the gathered trail keeps an entry once however often it is delivered. */
  readonly id: string;
  /** Who, as `principalLabel` names them: `guichet:10691`, `operator:jdupont`, `system:…`. */
  readonly who: string;
  readonly action: AuditAction;
  readonly channel: AuditChannel;
  /** The app that recorded it. */
  readonly app: string;
  readonly numeroUniques: readonly string[];
  /**
   * What bounds a manager's reading: the departments of the demands read, and for a security
   * event those of the person or guichet concerned.
   */
  readonly departments: readonly string[];
  readonly documentId?: string;
  /** The guichet the data went to or the act was about, when it is not the caller. */
  readonly guichet?: string;
  /** Of a security event: what was refused and why, which route. Never personal data. */
  readonly detail?: string;
  readonly at: string;
  readonly correlationId?: string;
}

export const auditRecordDataSchema = {
  $id: 'https://schemas.sne.example/audit-record-data.json',
  type: 'object',
  required: ['id', 'who', 'action', 'channel', 'app', 'numeroUniques', 'departments', 'at'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 100 },
    who: { type: 'string', pattern: '^(operator|guichet|applicant|system):.{1,200}$' },
    action: { enum: [...AUDIT_ACTIONS] },
    channel: { enum: [...AUDIT_CHANNELS] },
    app: { type: 'string', minLength: 1, maxLength: 50 },
    numeroUniques: {
      type: 'array',
      maxItems: 10_000,
      items: { type: 'string', minLength: 1, maxLength: 100 },
    },
    departments: {
      type: 'array',
      maxItems: 200,
      items: { type: 'string', pattern: DEPARTMENT_CODE_PATTERN },
    },
    documentId: { type: 'string', minLength: 1, maxLength: 100 },
    guichet: { type: 'string', pattern: GUICHET_CODE_PATTERN },
    detail: { type: 'string', maxLength: 500 },
    at: { type: 'string', format: 'date-time' },
    correlationId: { type: 'string', maxLength: 200 },
  },
} as const;
