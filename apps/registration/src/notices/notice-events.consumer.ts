import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type NoticeEventData, NoticeEventTypes, Topics } from '@sne/contracts';
import { EventConsumerFactory, type RunningConsumer } from '@sne/kafka';
import { NoticeDatesRepository } from './notice-dates';

export const NOTICE_EVENTS_GROUP = 'sne.registration.notices';

/** Notice-sent events: the dates shown on the demand ("date envoi préavis …"). */
@Injectable()
export class NoticeEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: RunningConsumer | undefined;

  constructor(
    private readonly consumers: EventConsumerFactory,
    private readonly dates: NoticeDatesRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer = this.consumers.start({
      groupId: NOTICE_EVENTS_GROUP,
      topics: [Topics.NoticeEvents],
      handle: async (event) => {
        if (event.type === NoticeEventTypes.Sent)
          await this.dates.record(event.data as NoticeEventData);
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
  }
}
