import type { OpenApiInfo } from '@sne/platform';

export const DOCUMENT_INGESTION_OPENAPI: OpenApiInfo = {
  title: 'SNE document ingestion — supporting documents API',
  description:
    'Supporting documents of demands ("dossier unique"): streamed upload of PDF, JPEG and PNG ' +
    '(type read from the bytes, size limits per channel, SHA-256, corrupt PDFs refused), filed ' +
    'under the classification plan; listing and download by profile and territory (every ' +
    'download audit-logged); changes, quarantine, restoration, purge; the journal, searchable ' +
    'and exported as CSV. Every change is announced on the document-events topic. Errors are ' +
    '`{ error: { code, message, details } }`.',
};
