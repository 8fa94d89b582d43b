import { DEPARTMENT_CODE_PATTERN, GUICHET_CODE_PATTERN } from '@sne/contracts';
import { INSEE_COMMUNE_PATTERN } from '@sne/domain';
import { GUICHET_TYPES, SUBSCRIBABLE_EVENT_TYPES } from './guichet';

/** JSON Schemas of the operator API's bodies: validated by JsonBodyPipe, shown in OpenAPI. */

export const createGuichetSchema = {
  $id: 'create-guichet',
  type: 'object',
  required: ['code', 'name', 'type', 'territory', 'referentEmail', 'channels'],
  additionalProperties: false,
  properties: {
    code: {
      type: 'string',
      pattern: GUICHET_CODE_PATTERN,
      description: 'the 5-character guichet code',
    },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    type: { enum: [...GUICHET_TYPES] },
    territory: {
      description:
        'departments (and, for an EPCI or a commune, its communes), or a named national mandate',
      oneOf: [
        {
          type: 'object',
          required: ['departments'],
          additionalProperties: false,
          properties: {
            departments: {
              type: 'array',
              minItems: 1,
              maxItems: 101,
              uniqueItems: true,
              items: { type: 'string', pattern: DEPARTMENT_CODE_PATTERN },
            },
            communes: {
              type: 'array',
              minItems: 1,
              maxItems: 5000,
              uniqueItems: true,
              items: { type: 'string', pattern: INSEE_COMMUNE_PATTERN },
            },
          },
        },
        {
          type: 'object',
          required: ['national'],
          additionalProperties: false,
          properties: {
            national: {
              type: 'object',
              required: ['mandate'],
              additionalProperties: false,
              properties: {
                mandate: {
                  type: 'string',
                  minLength: 3,
                  maxLength: 300,
                  description: 'the national mandate of this State service (audited)',
                },
              },
            },
          },
        },
      ],
    },
    referentEmail: { type: 'string', format: 'email', maxLength: 254 },
    siren: { type: 'string', pattern: '^[0-9]{9}$' },
    channels: {
      type: 'object',
      required: ['kafka', 'pull'],
      additionalProperties: false,
      properties: {
        kafka: {
          type: 'object',
          required: ['enabled'],
          additionalProperties: false,
          properties: { enabled: { type: 'boolean' } },
        },
        webhook: {
          type: 'object',
          required: ['enabled', 'url'],
          additionalProperties: false,
          properties: {
            enabled: { type: 'boolean' },
            url: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000 },
          },
        },
        pull: {
          type: 'object',
          required: ['enabled'],
          additionalProperties: false,
          properties: { enabled: { type: 'boolean' } },
        },
      },
    },
  },
} as const;

export const subscriptionChangeSchema = {
  $id: 'subscription-change',
  type: 'object',
  required: ['eventTypes', 'rule'],
  additionalProperties: false,
  properties: {
    eventTypes: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { enum: [...SUBSCRIBABLE_EVENT_TYPES] },
    },
    includeOwnEvents: { type: 'boolean' },
    rule: {
      type: 'object',
      description: 'a filter rule (see docs/filter-rules.md); checked field by field',
    },
    comment: { type: 'string', maxLength: 1000 },
  },
} as const;
