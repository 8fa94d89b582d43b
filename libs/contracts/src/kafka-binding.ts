import type { CloudEvent } from './envelope';
import { CLOUDEVENT_CONTENT_TYPE } from './envelope';
import { catalogEntry } from './event-catalog';
import type { ValidationResult } from './validation';
import { validateEvent } from './validation';

/** Kafka headers every platform message carries, besides the structured CloudEvent value. */
export const KafkaHeaders = {
  ContentType: 'content-type',
  CorrelationId: 'correlation-id',
  EventType: 'ce_type',
  /** Dead-letter headers: why and where from. */
  DeadLetterReason: 'dlt-reason',
  DeadLetterTopic: 'dlt-original-topic',
  DeadLetterPartition: 'dlt-original-partition',
  DeadLetterOffset: 'dlt-original-offset',
  DeadLetterConsumerGroup: 'dlt-consumer-group',
  DeadLetterFailedAt: 'dlt-failed-at',
} as const;

export interface EncodedMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** Structured content mode: the envelope is the value; the key is the subject (order per demand). */
export function encodeEvent(event: CloudEvent): EncodedMessage {
  if (!catalogEntry(event.type)) {
    throw new Error(`unknown event type "${event.type}"`);
  }
  return {
    key: event.subject,
    value: Buffer.from(JSON.stringify(event), 'utf8'),
    headers: {
      [KafkaHeaders.ContentType]: `${CLOUDEVENT_CONTENT_TYPE}; charset=utf-8`,
      [KafkaHeaders.CorrelationId]: event.correlationid,
      [KafkaHeaders.EventType]: event.type,
    },
  };
}

/** Parses and validates a message value; never throws. */
export function decodeEvent(value: Buffer | null | undefined): ValidationResult<CloudEvent> {
  if (!value || value.length === 0) {
    return { ok: false, issues: [{ path: '/', message: 'empty message value' }] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return {
      ok: false,
      issues: [{ path: '/', message: `not JSON: ${(error as Error).message}` }],
    };
  }
  return validateEvent(parsed);
}
