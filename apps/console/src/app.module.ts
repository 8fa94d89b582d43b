import { AuthModule } from '@sne/auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { KafkaModule, kafkaSettingsFrom } from '@sne/kafka';
import { PlatformModule } from '@sne/platform';
import { QueuesModule, redisSettingsFrom } from '@sne/queues';
import { ConsoleController } from './console.controller';
import { DispatchingClient } from './dispatching/dispatching.client';
import { DispatchingController } from './dispatching/dispatching.controller';
import { PlatformStatusService, CONSOLE_CONFIG } from './platform-status.service';
import { APP_NAME, type ConsoleConfig } from './config';

/** The console app: operators' monitoring console. */
@Module({})
export class AppModule {
  static forRoot(config: ConsoleConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ appName: APP_NAME, logLevel: config.LOG_LEVEL }),
        AuthModule.forRoot({ secrets: config.AUTH_TOKEN_SECRETS }),
        KafkaModule.forRoot(kafkaSettingsFrom(config, APP_NAME)),
        QueuesModule.forRoot(redisSettingsFrom(config)),
      ],
      controllers: [ConsoleController, DispatchingController],
      providers: [
        { provide: CONSOLE_CONFIG, useValue: config },
        PlatformStatusService,
        DispatchingClient,
      ],
    };
  }
}
