export const DocumentEventTypes = {
  Added: 'sne.document.added.v1',
  Updated: 'sne.document.updated.v1',
  Quarantined: 'sne.document.quarantined.v1',
  Restored: 'sne.document.restored.v1',
} as const;

export type DocumentEventType = (typeof DocumentEventTypes)[keyof typeof DocumentEventTypes];

export interface DocumentEventData {
  documentId: string;
  numeroUnique: string;
  /** Classification plan codes, e.g. category `IDD`, type `CID`. */
  category: string;
  documentType: string;
  sensitive: boolean;
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
  },
} as const;
