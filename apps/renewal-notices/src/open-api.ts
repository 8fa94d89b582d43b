import type { OpenApiInfo } from '@sne/platform';

export const RENEWAL_NOTICES_OPENAPI: OpenApiInfo = {
  title: 'SNE renewal notices — operators API',
  description:
    "Renewal notices of social-housing demands: the daily scan of due notices, each demand's " +
    'renewal calendar and the notices sent (email, SMS, letters), the notice queues, and the ' +
    "day's letters as PDF for the mail house. Errors are `{ error: { code, message, details } }`.",
};
