import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Topics } from '@sne/contracts';
import { EventPublisher, type OutboxEntry, OutboxRelay } from '@sne/kafka';
import { MetricsService } from '@sne/platform';
import { type DocumentRevision, DocumentRepository } from '../documents/document.repository';

export const OUTBOX_SWEEP_MS = Symbol('OUTBOX_SWEEP_MS');

const entryOf = (revision: DocumentRevision): OutboxEntry => ({
  aggregateId: revision.documentId,
  version: revision.version,
  event: revision.event,
});

/** The document revisions published to the document-events topic, in order per document. */
@Injectable()
export class DocumentOutbox implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly relay: OutboxRelay<OutboxEntry>;

  constructor(
    documents: DocumentRepository,
    publisher: EventPublisher,
    @Inject(OUTBOX_SWEEP_MS) sweepMs: number,
    metrics: MetricsService,
  ) {
    this.relay = new OutboxRelay(
      { name: 'document', topic: Topics.DocumentEvents, sweepMs },
      {
        unpublished: async (limit) => (await documents.unpublished(limit)).map(entryOf),
        isPublished: (documentId, version) => documents.isPublished(documentId, version),
        markPublished: (documentId, version) => documents.markPublished(documentId, version),
      },
      publisher,
      metrics,
    );
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.relay.stop();
  }

  /** Hands over a revision just saved. */
  enqueue(revision: DocumentRevision): void {
    this.relay.enqueue(entryOf(revision));
  }
}
