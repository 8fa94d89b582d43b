import { GUICHET_CODE_PATTERN } from './identifiers';
import { randomUUID } from 'node:crypto';

/**
 * The event envelope: CloudEvents 1.0 attributes, carried in Kafka's structured content mode (the
 * whole envelope is the JSON message value). Extension attribute names follow the CloudEvents
 * rule: lower-case letters and digits only.
 */
export interface CloudEvent<TType extends string = string, TData = unknown> {
  readonly specversion: '1.0';
  readonly id: string;
  /** URI reference of the producer, e.g. `/sne/registration` or `/sne/guichets/10691`. */
  readonly source: string;
  readonly type: TType;
  /** What the event is about: the demand's numéro unique (or draft id). */
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly dataschema?: string;
  /** The demand's version after the change: consumers are idempotent on (subject, version). */
  readonly demandversion?: number;
  /** Follows one request from the HTTP API through Kafka to deliveries and notices. */
  readonly correlationid: string;
  /** The guichet that caused the event, when one did. */
  readonly guichet?: string;
  readonly data: TData;
}

export const CLOUDEVENT_CONTENT_TYPE = 'application/cloudevents+json';

export interface NewEvent<TType extends string, TData> {
  type: TType;
  source: string;
  subject: string;
  data: TData;
  correlationId: string;
  demandVersion?: number;
  guichet?: string;
  id?: string;
  time?: Date;
}

export function createEvent<TType extends string, TData>(
  input: NewEvent<TType, TData>,
): CloudEvent<TType, TData> {
  return {
    specversion: '1.0',
    id: input.id ?? randomUUID(),
    source: input.source,
    type: input.type,
    subject: input.subject,
    time: (input.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    correlationid: input.correlationId,
    ...(input.demandVersion !== undefined ? { demandversion: input.demandVersion } : {}),
    ...(input.guichet !== undefined ? { guichet: input.guichet } : {}),
    data: input.data,
  };
}

/** JSON Schema (2020-12) of the envelope; `data` is checked by the schema of each event type. */
export const cloudEventSchema = {
  $id: 'https://schemas.sne.example/cloudevent.json',
  type: 'object',
  required: [
    'specversion',
    'id',
    'source',
    'type',
    'subject',
    'time',
    'datacontenttype',
    'correlationid',
    'data',
  ],
  additionalProperties: false,
  properties: {
    specversion: { const: '1.0' },
    id: { type: 'string', minLength: 1, maxLength: 200 },
    source: { type: 'string', format: 'uri-reference', minLength: 1 },
    type: { type: 'string', pattern: '^sne\\.[a-z-]+(\\.[a-z-]+)+\\.v[0-9]+$' },
    subject: { type: 'string', minLength: 1, maxLength: 100 },
    time: { type: 'string', format: 'date-time' },
    datacontenttype: { const: 'application/json' },
    dataschema: { type: 'string', format: 'uri' },
    demandversion: { type: 'integer', minimum: 0 },
    correlationid: { type: 'string', minLength: 1, maxLength: 200 },
    guichet: { type: 'string', pattern: GUICHET_CODE_PATTERN },
    data: { type: 'object' },
  },
} as const;
