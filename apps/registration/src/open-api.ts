import type { OpenApiInfo } from '@sne/platform';

export const REGISTRATION_OPENAPI: OpenApiInfo = {
  title: 'SNE registration — demands API',
  description:
    'Demands of social housing for guichet software: registration (validated, duplicate-checked, ' +
    'numbered), reading (audit-logged) and updating at the version read (If-Match). Every change ' +
    'is announced on the demand-events topic. Errors are `{ error: { code, message, details } }`; ' +
    'invalid input lists each problem with its JSON pointer.',
};
