import type { OpenApiInfo } from '@sne/platform';

export const AUDIT_TRAIL_OPENAPI: OpenApiInfo = {
  title: 'SNE audit trail — operators API',
  description:
    "The platform's one audit trail, gathered from every app through the audit topic: who read or " +
    'changed which demands, through which channel, and the security events (sign-ins, refusals, ' +
    'national reach, Kafka credentials). National admins see everything, territorial managers ' +
    'their departments. Errors are `{ error: { code, message, details } }`.',
};
