import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { type DemandEventData, DemandEventTypes, Topics } from '@sne/contracts';
import { EventConsumerFactory } from '@sne/kafka';
import { Clock } from '@sne/platform';
import { DemandProjectionRepository } from './demand-projection.repository';

export const DEMAND_EVENTS_GROUP = 'sne.document-ingestion.demands';

const DEMAND_EVENT_TYPES = new Set<string>(Object.values(DemandEventTypes));

/** Demand events in (validated by the factory; invalid ones dead-lettered), the projection out. */
@Injectable()
export class DemandEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: EventConsumerFactory,
    private readonly demands: DemandProjectionRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.consumers.start({
      groupId: DEMAND_EVENTS_GROUP,
      topics: [Topics.DemandEvents],
      handle: async (event) => {
        if (!DEMAND_EVENT_TYPES.has(event.type)) return;
        await this.demands.record(event.data as DemandEventData, this.clock.now());
      },
    });
  }
}
