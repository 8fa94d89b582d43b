import { AuthModule, accessTokenSettingsFrom } from '@sne/auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { KafkaModule, kafkaSettingsFrom } from '@sne/kafka';
import { PersistenceModule, mongoSettingsFrom } from '@sne/persistence';
import { PlatformModule } from '@sne/platform';
import { AuditModule } from '@sne/audit';
import { CERTIFICATE_KEY, CertificateDocuments } from './certificates/certificate-documents';
import { CertificatesController, certificateKeyFrom } from './certificates/certificates.controller';
import { APP_NAME, type RegistrationConfig } from './config';
import { ControlKeyIndex } from './demands/control-key.index';
import { DemandRepository } from './demands/demand.repository';
import { DemandsController } from './demands/demands.controller';
import { DemandsService, PORTAL_GUICHET } from './demands/demands.service';
import { DuplicateForcings } from './demands/duplicate-forcings';
import { NumeroAllocator } from './demands/numero-allocator';
import { RadiationCommandsConsumer } from './demands/radiation-commands.consumer';
import { NoticeDatesRepository } from './notices/notice-dates';
import { NoticeEventsConsumer } from './notices/notice-events.consumer';
import { OUTBOX_SWEEP_MS, DemandOutbox } from './demands/demand-outbox';
import { DraftsController } from './pending/drafts.controller';
import { EmailIndex } from './demands/email-index';
import { PendingDemandRepository } from './pending/pending-demand.repository';
import { PendingDemandsService } from './pending/pending-demands.service';
import { PortalDemandsController } from './pending/portal-demands.controller';
import { PortalController } from './pending/portal.controller';

/** The registration app: demands, numéro unique, lifecycle, certificates. */
@Module({})
export class AppModule {
  static forRoot(config: RegistrationConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ appName: APP_NAME, logLevel: config.LOG_LEVEL }),
        AuthModule.forRoot({ verification: accessTokenSettingsFrom(config, APP_NAME) }),
        KafkaModule.forRoot(kafkaSettingsFrom(config, APP_NAME)),
        PersistenceModule.forRoot(mongoSettingsFrom(config, APP_NAME)),
        AuditModule.forRoot(),
      ],
      controllers: [
        DemandsController,
        CertificatesController,
        DraftsController,
        PortalDemandsController,
        PortalController,
      ],
      providers: [
        { provide: OUTBOX_SWEEP_MS, useValue: config.OUTBOX_SWEEP_MS },
        { provide: PORTAL_GUICHET, useValue: config.PORTAL_GUICHET_CODE },
        { provide: CERTIFICATE_KEY, useValue: certificateKeyFrom(config.CERTIFICATE_SIGNING_KEY) },
        CertificateDocuments,
        ControlKeyIndex,
        DemandRepository,
        DemandsService,
        DuplicateForcings,
        EmailIndex,
        NoticeDatesRepository,
        NoticeEventsConsumer,
        NumeroAllocator,
        DemandOutbox,
        PendingDemandRepository,
        PendingDemandsService,
        RadiationCommandsConsumer,
      ],
    };
  }
}
