import type { OpenApiInfo } from '@sne/platform';

export const DISPATCHING_OPENAPI: OpenApiInfo = {
  title: 'SNE dispatching — operator API',
  description:
    'Guichets, their subscriptions (event types and filter rules, versioned) and the tools around ' +
    'them: rule validation, explain. Errors are `{ error: { code, message, details } }`; invalid ' +
    'input lists each problem with its JSON pointer.',
};
