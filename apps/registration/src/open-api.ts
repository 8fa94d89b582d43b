import type { OpenApiInfo } from '@sne/platform';

export const REGISTRATION_OPENAPI: OpenApiInfo = {
  title: 'SNE registration — demands API',
  description:
    'Demands of social housing for guichet software and the public portal: registration ' +
    '(validated, duplicate-checked, numbered), drafts, portal demands validated by a guichet, ' +
    'reading (audit-logged), updating at the version read (If-Match), renewal, radiation, ' +
    'shared-management events, certificates and the summary sheet as PDF. Every change is ' +
    'announced on the demand-events topic. Errors are `{ error: { code, message, details } }`; ' +
    'invalid input lists each problem with its JSON pointer; a rule refused answers 422 naming it. ' +
    'Routes under `/portal` take an applicant token (the portal signs its users in), the others a ' +
    'guichet or operator token.',
};
