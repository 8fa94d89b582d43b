import { AuthModule } from '@sne/auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { KafkaModule, kafkaSettingsFrom } from '@sne/kafka';
import { PersistenceModule, mongoSettingsFrom } from '@sne/persistence';
import { PlatformModule } from '@sne/platform';
import { APP_NAME, type RegistrationConfig } from './config';

/** The registration app: demands, numéro unique, lifecycle, certificates. */
@Module({})
export class AppModule {
  static forRoot(config: RegistrationConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ appName: APP_NAME, logLevel: config.LOG_LEVEL }),
        AuthModule.forRoot({ secrets: config.AUTH_TOKEN_SECRETS }),
        KafkaModule.forRoot(kafkaSettingsFrom(config, APP_NAME)),
        PersistenceModule.forRoot(mongoSettingsFrom(config, APP_NAME)),
      ],
    };
  }
}
