import { AuditModule } from '@sne/audit';
import { AuthModule, accessTokenSettingsFrom } from '@sne/auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { KafkaModule, kafkaSettingsFrom } from '@sne/kafka';
import { MailModule, mailSettingsFrom, SmsModule, smsSettingsFrom } from '@sne/notifications';
import { PersistenceModule, mongoSettingsFrom } from '@sne/persistence';
import { PlatformModule } from '@sne/platform';
import { QueuesModule, redisSettingsFrom } from '@sne/queues';
import { CalendarProjection } from './calendar/calendar-projection';
import { CalendarRepository } from './calendar/calendar.repository';
import { DemandEventsConsumer } from './calendar/demand-events.consumer';
import { APP_NAME, RENEWAL_NOTICES_CONFIG, type RenewalNoticesConfig } from './config';
import { LetterBatchesRepository } from './letters/letter-batches.repository';
import { LettersController } from './letters/letters.controller';
import { NoticeClaimsRepository } from './notices/notice-claims.repository';
import { NoticeQueues } from './notices/notice-queues';
import { NoticeSender } from './notices/notice-sender';
import { NoticeWorkers } from './notices/notice-workers';
import { NoticesController } from './notices/notices.controller';
import { ScansController } from './scan/scans.controller';
import { SmsReceipts } from './notices/sms-receipts';
import { RENEWAL_SETTINGS, renewalSettingsFrom } from './renewal-settings';
import { DueScanner } from './scan/due-scanner';
import { ScanCursorRepository } from './scan/scan-cursor.repository';
import { ScanScheduler } from './scan/scan-scheduler';

/** The renewal-notices app: renewal calendars, mail, SMS and letter notices. */
@Module({})
export class AppModule {
  static forRoot(config: RenewalNoticesConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ appName: APP_NAME, logLevel: config.LOG_LEVEL }),
        AuthModule.forRoot({ verification: accessTokenSettingsFrom(config, APP_NAME) }),
        KafkaModule.forRoot(kafkaSettingsFrom(config, APP_NAME)),
        PersistenceModule.forRoot(mongoSettingsFrom(config, APP_NAME)),
        AuditModule.forRoot(),
        QueuesModule.forRoot(redisSettingsFrom(config)),
        MailModule.forRoot(mailSettingsFrom(config)),
        SmsModule.forRoot(smsSettingsFrom(config)),
      ],
      controllers: [NoticesController, ScansController, LettersController],
      providers: [
        { provide: RENEWAL_NOTICES_CONFIG, useValue: config },
        { provide: RENEWAL_SETTINGS, useValue: renewalSettingsFrom(config) },
        CalendarProjection,
        CalendarRepository,
        DemandEventsConsumer,
        DueScanner,
        LetterBatchesRepository,
        NoticeClaimsRepository,
        NoticeQueues,
        NoticeSender,
        NoticeWorkers,
        ScanCursorRepository,
        ScanScheduler,
        SmsReceipts,
      ],
    };
  }
}
