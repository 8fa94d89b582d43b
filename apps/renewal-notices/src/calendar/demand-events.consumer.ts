import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type DemandEventData, DemandEventTypes, Topics } from '@sne/contracts';
import { EventConsumerFactory, type RunningConsumer } from '@sne/kafka';
import { CalendarProjection } from './calendar-projection';

export const CALENDAR_GROUP = 'sne.renewal-notices.calendars';

const CALENDAR_EVENTS = new Set<string>([
  DemandEventTypes.Registered,
  DemandEventTypes.Validated,
  DemandEventTypes.Updated,
  DemandEventTypes.Renewed,
  DemandEventTypes.Radiated,
  DemandEventTypes.Reactivated,
]);

/** Demand events → renewal calendars. Events of one demand come in order (keyed by numéro). */
@Injectable()
export class DemandEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: RunningConsumer | undefined;

  constructor(
    private readonly consumers: EventConsumerFactory,
    private readonly projection: CalendarProjection,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer = this.consumers.start({
      groupId: CALENDAR_GROUP,
      topics: [Topics.DemandEvents],
      fromBeginning: true,
      handle: async (event) => {
        if (!CALENDAR_EVENTS.has(event.type)) return;
        await this.projection.apply((event.data as DemandEventData).demand);
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
  }
}
