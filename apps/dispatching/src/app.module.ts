import { type DynamicModule, Module } from '@nestjs/common';
import { KafkaModule, kafkaSettingsFrom } from '@sne/kafka';
import { PersistenceModule, mongoSettingsFrom } from '@sne/persistence';
import { PlatformModule } from '@sne/platform';
import { QueuesModule, redisSettingsFrom } from '@sne/queues';
import { APP_NAME, type DispatchingConfig } from './config';

/** The dispatching app: guichets, filter rules, delivery logs, webhooks, pull feeds. */
@Module({})
export class AppModule {
  static forRoot(config: DispatchingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ appName: APP_NAME, logLevel: config.LOG_LEVEL }),
        KafkaModule.forRoot(kafkaSettingsFrom(config, APP_NAME)),
        PersistenceModule.forRoot(mongoSettingsFrom(config, APP_NAME)),
        QueuesModule.forRoot(redisSettingsFrom(config)),
      ],
    };
  }
}
