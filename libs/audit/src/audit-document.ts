import type { AuditRecordData } from '@sne/contracts';

/** An audit entry as stored, in an app's outbox or in the gathered trail: its id is `_id`. */
export type AuditDocument = Omit<AuditRecordData, 'id'> & { _id: string };

/** The fields of a stored entry (a mongoose schema definition). */
export const AUDIT_DOCUMENT_FIELDS = {
  _id: String,
  who: String,
  action: String,
  channel: String,
  app: String,
  numeroUniques: [String],
  departments: [String],
  documentId: String,
  guichet: String,
  detail: String,
  at: String,
  correlationId: String,
};

export const toAuditDocument = ({ id, ...record }: AuditRecordData): AuditDocument => ({
  _id: id,
  ...record,
});

export const fromAuditDocument = ({ _id, ...record }: AuditDocument): AuditRecordData => ({
  id: _id,
  ...record,
});
