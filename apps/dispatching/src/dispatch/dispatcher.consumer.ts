import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Topics } from '@sne/contracts';
import { EventConsumerFactory } from '@sne/kafka';
import { DispatcherService } from './dispatcher.service';

export const DISPATCHER_GROUP = 'sne.dispatching';
export const DISPATCH_CONCURRENCY = Symbol('DISPATCH_CONCURRENCY');

/** Demand and document events in, deliveries out; invalid events go to the dead-letter topic. */
@Injectable()
export class DispatcherConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: EventConsumerFactory,
    private readonly dispatcher: DispatcherService,
    @Inject(DISPATCH_CONCURRENCY) private readonly concurrency: number,
  ) {}

  /** Not awaited: the group subscribes in the background and shows in readiness meanwhile. */
  onApplicationBootstrap(): void {
    this.consumers.start({
      groupId: DISPATCHER_GROUP,
      topics: [Topics.DemandEvents, Topics.DocumentEvents],
      concurrency: this.concurrency,
      handle: async (event) => {
        await this.dispatcher.dispatch(event);
      },
    });
  }
}
