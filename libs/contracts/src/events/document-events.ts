export const DocumentEventTypes = {
  Added: 'sne.document.added.v1',
  Updated: 'sne.document.updated.v1',
  Quarantined: 'sne.document.quarantined.v1',
  Restored: 'sne.document.restored.v1',
  Purged: 'sne.document.purged.v1',
} as const;

export type DocumentEventType = (typeof DocumentEventTypes)[keyof typeof DocumentEventTypes];

export interface DocumentEventData {
  documentId: string;
  numeroUnique: string;
  /** Classification plan codes, e.g. category `IDD`, type `CID`. */
  category: string;
  documentType: string;
  sensitive: boolean;
  /** The document's version after the change: consumers are idempotent on (documentId, version). */
  version?: number;
  state?: 'active' | 'quarantined' | 'purged';
  /** Relevance indicator code (`PR` regulatory scope, `NV` not verified, `HP` out of scope). */
  relevance?: string;
  /** End of validity, `YYYY-MM-DD`, when the document has one. */
  validUntil?: string;
  /** The type read from the bytes. */
  contentType?: 'application/pdf' | 'image/jpeg' | 'image/png';
  size?: number;
  sha256?: string;
  /** Version of the classification plan the document is filed under. */
  planVersion?: string;
}

export const documentEventDataSchema = {
  $id: 'https://schemas.sne.example/document-event-data.json',
  type: 'object',
  required: ['documentId', 'numeroUnique', 'category', 'documentType', 'sensitive'],
  additionalProperties: false,
  properties: {
    documentId: { type: 'string', minLength: 1 },
    numeroUnique: { type: 'string', minLength: 1 },
    category: { type: 'string', pattern: '^[A-Z]{2,8}$' },
    documentType: { type: 'string', pattern: '^[A-Z]{2,8}$' },
    sensitive: { type: 'boolean' },
    version: { type: 'integer', minimum: 1 },
    state: { enum: ['active', 'quarantined', 'purged'] },
    relevance: { type: 'string', pattern: '^[A-Z]{2}$' },
    validUntil: { type: 'string', format: 'date' },
    contentType: { enum: ['application/pdf', 'image/jpeg', 'image/png'] },
    size: { type: 'integer', minimum: 1 },
    sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    planVersion: { type: 'string', minLength: 1 },
  },
} as const;
