import { AuditEventTypes, auditRecordDataSchema } from './events/audit-events';
import { DemandEventTypes, demandEventDataSchema } from './events/demand-events';
import { DocumentEventTypes, documentEventDataSchema } from './events/document-events';
import { NoticeEventTypes, noticeEventDataSchema } from './events/notice-events';
import {
  RegistrationCommandTypes,
  radiateForNonRenewalDataSchema,
} from './events/registration-commands';
import { Topics, type TopicName } from './topics';

export interface EventCatalogEntry {
  readonly type: string;
  readonly topic: TopicName;
  readonly summary: string;
  readonly dataSchema: Readonly<Record<string, unknown>>;
}

const demand = (type: string, summary: string): EventCatalogEntry => ({
  type,
  topic: Topics.DemandEvents,
  summary,
  dataSchema: demandEventDataSchema,
});
const documentEvent = (type: string, summary: string): EventCatalogEntry => ({
  type,
  topic: Topics.DocumentEvents,
  summary,
  dataSchema: documentEventDataSchema,
});
const notice = (type: string, summary: string): EventCatalogEntry => ({
  type,
  topic: Topics.NoticeEvents,
  summary,
  dataSchema: noticeEventDataSchema,
});

/** Every event and command type, the topic that carries it and the schema of its data. */
export const EVENT_CATALOG: readonly EventCatalogEntry[] = [
  demand(DemandEventTypes.Registered, 'A demand was registered and got its numéro unique.'),
  demand(DemandEventTypes.Validated, 'A portal demand was validated by a guichet.'),
  demand(DemandEventTypes.Updated, 'A demand was updated (new version).'),
  demand(DemandEventTypes.Renewed, 'A demand was renewed for one more year.'),
  demand(DemandEventTypes.Radiated, 'A demand was radiated, with its motive.'),
  demand(DemandEventTypes.Reactivated, 'A demand radiated for non-renewal was reactivated.'),
  demand(
    DemandEventTypes.ProcessingEventRecorded,
    'A shared-management event (CAL, visit, refusal, lease...) was recorded.',
  ),
  documentEvent(DocumentEventTypes.Added, 'A supporting document was added to a demand.'),
  documentEvent(DocumentEventTypes.Updated, "A supporting document's metadata changed."),
  documentEvent(DocumentEventTypes.Quarantined, 'A supporting document was deleted (quarantined).'),
  documentEvent(DocumentEventTypes.Restored, 'A quarantined document was restored.'),
  documentEvent(
    DocumentEventTypes.Purged,
    "A quarantined document's file was destroyed after the retention period.",
  ),
  notice(NoticeEventTypes.Sent, 'A renewal notice was sent (channel and date).'),
  notice(NoticeEventTypes.DeliveryReported, 'A provider reported the outcome of a notice.'),
  {
    type: RegistrationCommandTypes.RadiateForNonRenewal,
    topic: Topics.RegistrationCommands,
    summary: 'Radiate a demand not renewed one month after its anniversary.',
    dataSchema: radiateForNonRenewalDataSchema,
  },
  {
    type: AuditEventTypes.Recorded,
    topic: Topics.AuditTrail,
    summary: 'An entry of the audit trail: a read of personal data or a security event.',
    dataSchema: auditRecordDataSchema,
  },
];

const byType = new Map(EVENT_CATALOG.map((entry) => [entry.type, entry]));

export function catalogEntry(type: string): EventCatalogEntry | undefined {
  return byType.get(type);
}
