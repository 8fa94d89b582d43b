import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Topics } from '@sne/contracts';
import { EventConsumerFactory } from '@sne/kafka';
import { DispatcherService } from './dispatcher.service';

export const DISPATCHER_GROUP = 'sne.dispatching';
export const DISPATCH_CONCURRENCY = Symbol('DISPATCH_CONCURRENCY');

/**
 * Events dispatched together at most, and so repeated at most after a crash: the offsets are
 * committed after each chunk. Their deliveries may need several produce requests, which the
 * publisher cuts under the broker's message limit.
 */
export const DISPATCH_CHUNK = 100;

/**
 * Demand and document events in, deliveries out, a fetched batch at a time; invalid events go to
 * the dead-letter topic. A batch that fails is handled again event by event, so one poison event
 * is isolated and dead-lettered without holding up the others.
 */
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
      batchSize: DISPATCH_CHUNK,
      handleBatch: async (items) => {
        await this.dispatcher.dispatchAll(items.map((item) => item.value));
      },
    });
  }
}
