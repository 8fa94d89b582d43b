import { AuthModule } from '@sne/auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { KafkaModule, kafkaSettingsFrom } from '@sne/kafka';
import { MailModule, mailSettingsFrom } from '@sne/notifications';
import { PersistenceModule, mongoSettingsFrom } from '@sne/persistence';
import { PlatformModule } from '@sne/platform';
import { QueuesModule, redisSettingsFrom } from '@sne/queues';
import { APP_NAME, type DocumentIngestionConfig } from './config';

/** The document-ingestion app: supporting documents, scanned batches. */
@Module({})
export class AppModule {
  static forRoot(config: DocumentIngestionConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ appName: APP_NAME, logLevel: config.LOG_LEVEL }),
        AuthModule.forRoot({ secrets: config.AUTH_TOKEN_SECRETS }),
        KafkaModule.forRoot(kafkaSettingsFrom(config, APP_NAME)),
        PersistenceModule.forRoot(mongoSettingsFrom(config, APP_NAME)),
        QueuesModule.forRoot(redisSettingsFrom(config)),
        MailModule.forRoot(mailSettingsFrom(config)),
      ],
    };
  }
}
