import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule, accessTokenSettingsFrom } from '@sne/auth';
import { KafkaModule, kafkaSettingsFrom } from '@sne/kafka';
import { PersistenceModule, mongoSettingsFrom } from '@sne/persistence';
import { PlatformModule } from '@sne/platform';
import { APP_NAME, type AuditTrailConfig } from './config';
import { AuditTrailConsumer } from './trail/audit-trail.consumer';
import { AuditTrailController } from './trail/audit-trail.controller';
import { AuditTrailRepository } from './trail/audit-trail.repository';

/** The audit-trail app: the entries every app records, gathered from the audit topic, and read. */
@Module({})
export class AppModule {
  static forRoot(config: AuditTrailConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ appName: APP_NAME, logLevel: config.LOG_LEVEL }),
        AuthModule.forRoot({ verification: accessTokenSettingsFrom(config, APP_NAME) }),
        KafkaModule.forRoot(kafkaSettingsFrom(config, APP_NAME)),
        PersistenceModule.forRoot(mongoSettingsFrom(config, APP_NAME)),
      ],
      controllers: [AuditTrailController],
      providers: [AuditTrailRepository, AuditTrailConsumer],
    };
  }
}
