import { DemandEventTypes, DocumentEventTypes } from '@sne/contracts';
import type { DispatchTerritory, Rule } from '@sne/matching';

export const GUICHET_TYPES = [
  'landlord',
  'municipality',
  'epci',
  'state-service',
  'reservation-holder',
  'portal',
] as const;
export type GuichetType = (typeof GUICHET_TYPES)[number];

/** The event types a guichet may subscribe to. */
export const SUBSCRIBABLE_EVENT_TYPES: readonly string[] = [
  ...Object.values(DemandEventTypes),
  ...Object.values(DocumentEventTypes),
];

export interface GuichetChannels {
  readonly kafka: { readonly enabled: boolean };
  readonly webhook?: { readonly enabled: boolean; readonly url: string };
  readonly pull: { readonly enabled: boolean };
}

export interface Guichet {
  readonly code: string;
  readonly name: string;
  readonly type: GuichetType;
  /** Bounds everything the guichet receives or reads (see libs/matching/src/territory.ts). */
  readonly territory: DispatchTerritory;
  readonly referentEmail: string;
  readonly siren?: string;
  readonly channels: GuichetChannels;
  readonly paused: boolean;
  readonly createdAt: string;
  /** Retired: it receives nothing more, its Kafka principal and machine client are gone. */
  readonly retiredAt?: string;
}

/** One version of a guichet's subscription: versions are never changed, only added. */
export interface SubscriptionRevision {
  readonly guichetCode: string;
  readonly version: number;
  readonly eventTypes: readonly string[];
  /** Receive the events this guichet caused itself (default: no). */
  readonly includeOwnEvents: boolean;
  readonly rule: Rule;
  readonly changedBy: string;
  readonly changedAt: string;
  readonly comment?: string;
}

export type NewGuichet = Omit<Guichet, 'paused' | 'createdAt'>;

export interface SubscriptionChange {
  readonly eventTypes: readonly string[];
  readonly includeOwnEvents?: boolean;
  readonly rule: unknown;
  readonly comment?: string;
}
