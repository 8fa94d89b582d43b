import { Inject, Injectable } from '@nestjs/common';
import { Topics } from '@sne/contracts';
import { EventPublisher, OutboxRelay } from '@sne/kafka';
import { MetricsService } from '@sne/platform';
import { type DemandRevision, DemandRepository } from './demand.repository';

export const OUTBOX_SWEEP_MS = Symbol('OUTBOX_SWEEP_MS');

/** The demand revisions published to the demand-events topic, in order per demand (ADR 0007). */
@Injectable()
export class DemandOutbox extends OutboxRelay<DemandRevision> {
  constructor(
    store: DemandRepository,
    publisher: EventPublisher,
    @Inject(OUTBOX_SWEEP_MS) sweepMs: number,
    metrics: MetricsService,
  ) {
    super(
      {
        name: 'demand',
        topic: Topics.DemandEvents,
        sweepMs,
        entryOf: (revision) => ({
          aggregateId: revision.numeroUnique,
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
