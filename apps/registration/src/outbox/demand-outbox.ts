import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Topics } from '@sne/contracts';
import { EventPublisher, type OutboxEntry, OutboxRelay } from '@sne/kafka';
import { MetricsService } from '@sne/platform';
import { type DemandRevision, DemandRepository } from '../demands/demand.repository';

export const OUTBOX_SWEEP_MS = Symbol('OUTBOX_SWEEP_MS');

const entryOf = (revision: DemandRevision): OutboxEntry => ({
  aggregateId: revision.numeroUnique,
  version: revision.version,
  event: revision.event,
});

/** The demand revisions published to the demand-events topic, in order per demand (ADR 0007). */
@Injectable()
export class DemandOutbox implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly relay: OutboxRelay<OutboxEntry>;

  constructor(
    demands: DemandRepository,
    publisher: EventPublisher,
    @Inject(OUTBOX_SWEEP_MS) sweepMs: number,
    metrics: MetricsService,
  ) {
    this.relay = new OutboxRelay(
      { name: 'demand', topic: Topics.DemandEvents, sweepMs },
      {
        unpublished: async (limit) => (await demands.unpublished(limit)).map(entryOf),
        isPublished: (numeroUnique, version) => demands.isPublished(numeroUnique, version),
        markPublished: (numeroUnique, version) => demands.markPublished(numeroUnique, version),
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
  enqueue(revision: DemandRevision): void {
    this.relay.enqueue(entryOf(revision));
  }
}
