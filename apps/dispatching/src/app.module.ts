import { AuditModule } from '@sne/audit';
import { AuthModule, accessTokenSettingsFrom } from '@sne/auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { KafkaModule, kafkaSettingsFrom } from '@sne/kafka';
import { mongoSettingsFrom, PersistenceModule } from '@sne/persistence';
import { PlatformModule } from '@sne/platform';
import { QueuesModule, redisSettingsFrom } from '@sne/queues';
import { APP_NAME, type DispatchingConfig } from './config';
import { WebhookDeliveryProcessor } from './webhooks/webhook-delivery.processor';
import { WebhookDestinations } from './webhooks/webhook-destinations';
import { WebhookEndpointRepository } from './webhooks/webhook-endpoint.repository';
import { WebhookEnqueuerConsumer } from './webhooks/webhook-enqueuer.consumer';
import { WebhookQueue } from './webhooks/webhook-queue';
import { WEBHOOK_SETTINGS, webhookSettingsFrom } from './webhooks/webhook-settings';
import { WebhooksController } from './webhooks/webhooks.controller';
import { DeliveryTopics } from './dispatch/delivery-topics';
import { DemandStateRepository } from './dispatch/demand-state.repository';
import { DISPATCH_CONCURRENCY, DispatcherConsumer } from './dispatch/dispatcher.consumer';
import { DispatcherService } from './dispatch/dispatcher.service';
import { SUBSCRIPTION_REFRESH_MS, SubscriptionIndex } from './dispatch/subscription-index';
import { FeedController } from './feed/feed.controller';
import { FeedRepository } from './feed/feed.repository';
import { FeedService } from './feed/feed.service';
import { FeedWriterConsumer } from './feed/feed-writer.consumer';
import { GuichetRepository } from './guichets/guichet.repository';
import { BackfillService } from './operations/backfill.service';
import { DryRunService } from './operations/dry-run.service';
import { LagController, OperationsController } from './operations/operations.controller';
import { ExplainController } from './operations/explain.controller';
import { ExplainService } from './operations/explain.service';
import { LagService } from './operations/lag.service';
import { ReplayService } from './operations/replay.service';
import { RecentEventsRepository } from './dispatch/recent-events.repository';
import { RetentionService } from './retention/retention.service';
import { GuichetsController, RulesController } from './guichets/guichets.controller';
import { GuichetsService } from './guichets/guichets.service';
import { TerritoryMigration } from './dispatch/territory-migration';
import { GuichetKafkaAccess } from './kafka-access/guichet-kafka-access';
import { KafkaAccessController } from './kafka-access/kafka-access.controller';
import {
  GuichetMachineClients,
  MACHINE_CLIENT_SETTINGS,
} from './machine-clients/guichet-machine-clients';
import { MachineClientReconciler } from './machine-clients/machine-client-reconciler';
import { MachineClientsController } from './machine-clients/machine-clients.controller';
import { GuichetRetirementController } from './retirement/guichet-retirement.controller';
import { GuichetRetirement } from './retirement/guichet-retirement.service';
import { GuichetOnboardingController } from './onboarding/guichet-onboarding.controller';
import { GuichetOnboarding } from './onboarding/guichet-onboarding.service';

/** The dispatching app: guichets, filter rules, delivery logs, webhooks, pull feeds. */
@Module({})
export class AppModule {
  static forRoot(config: DispatchingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ appName: APP_NAME, logLevel: config.LOG_LEVEL }),
        AuthModule.forRoot({ verification: accessTokenSettingsFrom(config, APP_NAME) }),
        KafkaModule.forRoot(kafkaSettingsFrom(config, APP_NAME)),
        PersistenceModule.forRoot(mongoSettingsFrom(config, APP_NAME)),
        AuditModule.forRoot(),
        QueuesModule.forRoot(redisSettingsFrom(config)),
      ],
      controllers: [
        GuichetOnboardingController,
        GuichetsController,
        KafkaAccessController,
        MachineClientsController,
        GuichetRetirementController,
        LagController,
        RulesController,
        FeedController,
        OperationsController,
        ExplainController,
        WebhooksController,
      ],
      providers: [
        LagService,
        { provide: DISPATCH_CONCURRENCY, useValue: config.DISPATCH_CONCURRENCY },
        { provide: SUBSCRIPTION_REFRESH_MS, useValue: config.SUBSCRIPTION_REFRESH_MS },
        { provide: WEBHOOK_SETTINGS, useValue: webhookSettingsFrom(config) },
        GuichetRepository,
        GuichetsService,
        GuichetOnboarding,
        GuichetKafkaAccess,
        GuichetMachineClients,
        MachineClientReconciler,
        GuichetRetirement,
        {
          provide: MACHINE_CLIENT_SETTINGS,
          useValue: {
            registrationUrl: config.IDP_REGISTRATION_URL,
            registrationToken: config.IDP_REGISTRATION_TOKEN,
            reconcileSeconds: config.MACHINE_CLIENT_RECONCILE_SECONDS,
          },
        },
        DemandStateRepository,
        DeliveryTopics,
        SubscriptionIndex,
        TerritoryMigration,
        DispatcherService,
        DispatcherConsumer,
        FeedRepository,
        FeedService,
        FeedWriterConsumer,
        RecentEventsRepository,
        RetentionService,
        DryRunService,
        BackfillService,
        ReplayService,
        ExplainService,
        WebhookEndpointRepository,
        WebhookDestinations,
        WebhookQueue,
        WebhookEnqueuerConsumer,
        WebhookDeliveryProcessor,
      ],
    };
  }
}
