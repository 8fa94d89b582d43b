import { Inject, Injectable } from '@nestjs/common';
import { Topics } from '@sne/contracts';
import { EventPublisher, OutboxRelay } from '@sne/kafka';
import { MetricsService } from '@sne/platform';
import { type DocumentRevision, DocumentRepository } from './document.repository';

export const OUTBOX_SWEEP_MS = Symbol('OUTBOX_SWEEP_MS');

/** The document revisions published to the document-events topic, in order per document. */
@Injectable()
export class DocumentOutbox extends OutboxRelay<DocumentRevision> {
  constructor(
    store: DocumentRepository,
    publisher: EventPublisher,
    @Inject(OUTBOX_SWEEP_MS) sweepMs: number,
    metrics: MetricsService,
  ) {
    super(
      {
        name: 'document',
        topic: Topics.DocumentEvents,
        sweepMs,
        entryOf: (revision) => ({
          aggregateId: revision.documentId,
          version: revision.version,
          event: revision.event,
        }),
      },
      store,
      publisher,
      metrics,
    );
  }
}
