import { GUICHET_CODE_PATTERN } from '../identifiers';
import { cloudEventSchema, type CloudEvent } from '../envelope';
import { createValidator, type ValidationResult } from '../validation';

/**
 * What a guichet receives, on its own delivery log (`sne.guichet.<code>.deliveries.v1`), its
 * webhook and its pull feed: the event, wrapped with what identifies this delivery.
 */
export interface GuichetDelivery {
  /** Stable across retries and replays: `<event id>:<guichet code>`. Receivers deduplicate on it. */
  readonly deliveryId: string;
  readonly guichetCode: string;
  /** The version of the guichet's subscription whose rule selected the event. */
  readonly subscriptionVersion: number;
  readonly dispatchedAt: string;
  readonly event: CloudEvent;
}

export function deliveryIdOf(eventId: string, guichetCode: string): string {
  return `${eventId}:${guichetCode}`;
}

export const guichetDeliverySchema = {
  $id: 'https://schemas.sne.example/guichet-delivery.json',
  type: 'object',
  required: ['deliveryId', 'guichetCode', 'subscriptionVersion', 'dispatchedAt', 'event'],
  additionalProperties: false,
  properties: {
    deliveryId: { type: 'string', minLength: 3 },
    guichetCode: { type: 'string', pattern: GUICHET_CODE_PATTERN },
    subscriptionVersion: { type: 'integer', minimum: 1 },
    dispatchedAt: { type: 'string', format: 'date-time' },
    event: (({ $id: _id, ...schema }) => schema)(cloudEventSchema),
  },
} as const;

const validateDelivery = createValidator<GuichetDelivery>(guichetDeliverySchema);

/** Parses and validates a delivery-log message value; never throws. */
export function decodeDelivery(
  value: Buffer | null | undefined,
): ValidationResult<GuichetDelivery> {
  if (!value || value.length === 0)
    return { ok: false, issues: [{ path: '/', message: 'empty message value' }] };
  try {
    return validateDelivery(JSON.parse(value.toString('utf8')));
  } catch (error) {
    return { ok: false, issues: [{ path: '/', message: `not JSON: ${(error as Error).message}` }] };
  }
}

export function guichetOfDeliveryTopic(topic: string): string | undefined {
  return /^sne\.guichet\.([0-9A-Z]{5})\.deliveries\.v1$/.exec(topic)?.[1];
}
