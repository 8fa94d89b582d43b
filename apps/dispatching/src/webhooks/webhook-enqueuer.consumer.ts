import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { EventConsumerFactory } from '@sne/kafka';
import { eventWithinTerritory } from '../dispatch/delivery-territory';
import { GuichetLogFollower } from '../dispatch/guichet-log-follower';
import { SUBSCRIPTION_REFRESH_MS } from '../dispatch/subscription-index';
import { GuichetRepository } from '../guichets/guichet.repository';
import { WebhookQueue } from './webhook-queue';

export const WEBHOOK_GROUP = 'sne.dispatching.webhooks';

/** Queues every delivery of the guichets that take webhooks, from their delivery logs. */
@Injectable()
export class WebhookEnqueuerConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly follower: GuichetLogFollower;
  private readonly logger = new Logger(WebhookEnqueuerConsumer.name);

  constructor(
    consumers: EventConsumerFactory,
    guichets: GuichetRepository,
    queue: WebhookQueue,
    @Inject(SUBSCRIPTION_REFRESH_MS) refreshMs: number,
  ) {
    this.follower = new GuichetLogFollower(
      consumers,
      guichets,
      {
        groupId: WEBHOOK_GROUP,
        selects: (guichet) => guichet.channels.webhook?.enabled === true,
        // One demand's deliveries share a partition: its offsets order them.
        handle: async (delivery, context) => {
          const guichet = this.follower.followed(delivery.guichetCode);
          if (!guichet || !eventWithinTerritory(delivery.event, guichet.territory)) {
            this.logger.warn({
              msg: 'delivery outside the territory held back',
              guichet: delivery.guichetCode,
              deliveryId: delivery.deliveryId,
            });
            return;
          }
          await queue.enqueue(delivery, Number(context.offset));
        },
        refreshMs,
      },
      this.logger,
    );
  }

  onApplicationBootstrap(): Promise<void> {
    return this.follower.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.follower.stop();
  }
}
