import { GUICHET_CODE } from './identifiers';
/**
 * Every Kafka topic of the platform. No topic name is written anywhere else: code and scripts
 * take it from here (with an optional prefix, which isolates test runs on a shared broker).
 */
export const Topics = {
  DemandEvents: 'sne.demand.events.v1',
  DocumentEvents: 'sne.document.events.v1',
  NoticeEvents: 'sne.notice.events.v1',
  RegistrationCommands: 'sne.registration.commands.v1',
  DeadLetter: 'sne.dead-letter.v1',
  AuditTrail: 'sne.audit.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export interface TopicSpec {
  readonly name: TopicName;
  readonly partitions: number;
  readonly retentionDays: number;
  readonly description: string;
  /** The message key, which fixes ordering: events with the same key stay in order. */
  readonly key: string;
  readonly producers: readonly AppName[];
  readonly consumers: readonly AppName[];
}

export type AppName =
  | 'registration'
  | 'dispatching'
  | 'renewal-notices'
  | 'document-ingestion'
  | 'console'
  | 'audit-trail';

export const TOPIC_SPECS: readonly TopicSpec[] = [
  {
    name: Topics.DemandEvents,
    partitions: 24,
    retentionDays: 30,
    description:
      'Demand lifecycle events (state-carried: each holds the full demand and its version).',
    key: 'numeroUnique (or the draft id before a number exists)',
    producers: ['registration'],
    consumers: ['dispatching', 'renewal-notices', 'document-ingestion'],
  },
  {
    name: Topics.DocumentEvents,
    partitions: 12,
    retentionDays: 30,
    description: 'Supporting-document events (uploaded, classified, quarantined, restored).',
    key: 'numeroUnique of the demand the document belongs to',
    producers: ['document-ingestion'],
    consumers: ['dispatching'],
  },
  {
    name: Topics.NoticeEvents,
    partitions: 6,
    retentionDays: 30,
    description: 'Renewal notices sent (channel, date) and their delivery outcome.',
    key: 'numeroUnique',
    producers: ['renewal-notices'],
    consumers: ['registration'],
  },
  {
    name: Topics.RegistrationCommands,
    partitions: 6,
    retentionDays: 7,
    description: 'Commands to the registration app (e.g. radiate for non-renewal).',
    key: 'numeroUnique',
    producers: ['renewal-notices'],
    consumers: ['registration'],
  },
  {
    name: Topics.DeadLetter,
    partitions: 6,
    retentionDays: 30,
    description:
      'Messages a consumer could not process, with the reason, the source topic, partition and offset.',
    key: 'the original message key',
    producers: ['registration', 'dispatching', 'renewal-notices', 'document-ingestion'],
    consumers: ['console'],
  },
  {
    name: Topics.AuditTrail,
    partitions: 6,
    retentionDays: 30,
    description:
      'The audit trail: every read of personal data and every security event (sign-in, refusal, national reach, Kafka credentials), recorded by the app where it happened.',
    key: 'who (the principal), so that one person’s entries stay in order',
    producers: ['registration', 'dispatching', 'renewal-notices', 'document-ingestion', 'console'],
    consumers: ['audit-trail'],
  },
];

/** The ordered, replayable delivery log of one guichet (one topic per guichet). */
export function guichetDeliveryTopic(guichetCode: string): string {
  if (!GUICHET_CODE.test(guichetCode)) {
    throw new Error(`invalid guichet code "${guichetCode}": 5 characters, digits or A-Z`);
  }
  return `sne.guichet.${guichetCode}.deliveries.v1`;
}

/** The consumer group a guichet uses to read its own delivery log. */
export function guichetConsumerGroup(guichetCode: string): string {
  guichetDeliveryTopic(guichetCode);
  return `sne.guichet.${guichetCode}`;
}

export function prefixed(prefix: string, topic: string): string {
  return `${prefix}${topic}`;
}
