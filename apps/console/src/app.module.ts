import { AuthModule } from '@sne/auth';
import {
  type DynamicModule,
  type MiddlewareConsumer,
  Module,
  type NestModule,
} from '@nestjs/common';
import helmet from 'helmet';
import { KafkaModule, kafkaSettingsFrom } from '@sne/kafka';
import { PlatformModule } from '@sne/platform';
import { QueuesModule, redisSettingsFrom } from '@sne/queues';
import { ConsoleController } from './console.controller';
import { DispatchingClient } from './dispatching/dispatching.client';
import { DispatchingController } from './dispatching/dispatching.controller';
import { DocumentIngestionClient } from './document-ingestion/document-ingestion.client';
import { ScannedBatchesController } from './document-ingestion/scanned-batches.controller';
import { PlatformStatusService, CONSOLE_CONFIG } from './platform-status.service';
import { RenewalNoticesClient } from './renewal-notices/renewal-notices.client';
import { RenewalNoticesController } from './renewal-notices/renewal-notices.controller';
import { APP_NAME, type ConsoleConfig } from './config';

/** The console app: operators' monitoring console. */
@Module({})
export class AppModule implements NestModule {
  static forRoot(config: ConsoleConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ appName: APP_NAME, logLevel: config.LOG_LEVEL }),
        AuthModule.forRoot({ secrets: config.AUTH_TOKEN_SECRETS }),
        KafkaModule.forRoot(kafkaSettingsFrom(config, APP_NAME)),
        QueuesModule.forRoot(redisSettingsFrom(config)),
      ],
      controllers: [
        ConsoleController,
        DispatchingController,
        RenewalNoticesController,
        ScannedBatchesController,
      ],
      providers: [
        { provide: CONSOLE_CONFIG, useValue: config },
        PlatformStatusService,
        DispatchingClient,
        RenewalNoticesClient,
        DocumentIngestionClient,
      ],
    };
  }

  /** Security headers on every page: a strict content policy, no framing, no sniffing. */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(
        helmet({
          contentSecurityPolicy: {
            directives: { 'script-src': ["'self'"], 'form-action': ["'self'"] },
          },
        }),
      )
      .forRoutes('*path');
  }
}
