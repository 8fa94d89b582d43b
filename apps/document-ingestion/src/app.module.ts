import { AuthModule, accessTokenSettingsFrom } from '@sne/auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { DEFAULT_CLASSIFICATION_PLAN, planProblems } from '@sne/domain';
import { KafkaModule, kafkaSettingsFrom } from '@sne/kafka';
import { MailModule, mailSettingsFrom } from '@sne/notifications';
import { PersistenceModule, mongoSettingsFrom } from '@sne/persistence';
import { PlatformModule } from '@sne/platform';
import { PdfSafety } from '@sne/printing';
import { QueuesModule, redisSettingsFrom } from '@sne/queues';
import { createPublicKey } from 'node:crypto';
import { AuditModule } from '@sne/audit';
import { BatchProcessor } from './batches/batch.processor';
import { BATCH_LOAD_WINDOW, BatchQueue } from './batches/batch-queue';
import { BatchRepository } from './batches/batch.repository';
import { BatchesController } from './batches/batches.controller';
import { BATCH_SETTINGS, type BatchSettings, BatchesService } from './batches/batches.service';
import { APP_NAME, type DocumentIngestionConfig, fileStorageSettingsFrom } from './config';
import { DemandEventsConsumer } from './demands/demand-events.consumer';
import { DemandProjectionRepository } from './demands/demand-projection.repository';
import { DocumentRepository } from './documents/document.repository';
import { DocumentsController } from './documents/documents.controller';
import { PortalDocumentsController } from './documents/portal-documents.controller';
import {
  CLASSIFICATION_PLAN,
  DOCUMENT_SETTINGS,
  type DocumentSettings,
  DocumentsService,
} from './documents/documents.service';
import { FileIntake } from './documents/file-intake';
import { FileStorageModule } from './documents/file-storage.module';
import { PDF_CHECK_SETTINGS, PdfChecker } from './documents/pdf-check';
import { PURGE_SWEEP_MS, PurgeController, PurgeScheduler } from './documents/purge.scheduler';
import { OUTBOX_SWEEP_MS, DocumentOutbox } from './documents/document-outbox';

const problems = planProblems(DEFAULT_CLASSIFICATION_PLAN);
if (problems.length > 0) throw new Error(`classification plan: ${problems.join('; ')}`);

/** The document-ingestion app: supporting documents, scanned batches. */
@Module({})
export class AppModule {
  static forRoot(config: DocumentIngestionConfig): DynamicModule {
    const settings: DocumentSettings = {
      maxBytes: { guichet: config.SCAN_MAX_FILE_BYTES, portal: config.PORTAL_MAX_FILE_BYTES },
      quarantineRetentionDays: config.QUARANTINE_RETENTION_DAYS,
    };
    const batchSettings: BatchSettings = {
      maxBytes: config.SCAN_MAX_FILE_BYTES,
      renderDpi: config.BATCH_RENDER_DPI,
      renderLanes: config.BATCH_RENDER_LANES,
      popplerTimeoutMs: config.POPPLER_TIMEOUT_MS,
      qrPublicKeys: config.QR_PUBLIC_KEYS.split(',')
        .map((key) => key.trim())
        .filter(Boolean)
        .map((key) => createPublicKey(Buffer.from(key, 'base64').toString('utf8'))),
    };
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
        FileStorageModule.forRoot(fileStorageSettingsFrom(config)),
      ],
      controllers: [
        DocumentsController,
        PortalDocumentsController,
        BatchesController,
        PurgeController,
      ],
      providers: [
        { provide: CLASSIFICATION_PLAN, useValue: DEFAULT_CLASSIFICATION_PLAN },
        { provide: DOCUMENT_SETTINGS, useValue: settings },
        {
          provide: PDF_CHECK_SETTINGS,
          useValue: {
            pdfinfoPath: config.PDFINFO_PATH,
            timeoutMs: config.PDFINFO_TIMEOUT_MS,
            pdftoppmPath: config.PDFTOPPM_PATH,
            renderProbeTimeoutMs: config.RENDER_PROBE_TIMEOUT_MS,
          },
        },
        { provide: PdfSafety, useValue: new PdfSafety(config.PDF_ACTIVE_CONTENT) },
        { provide: OUTBOX_SWEEP_MS, useValue: config.OUTBOX_SWEEP_MS },
        { provide: PURGE_SWEEP_MS, useValue: config.PURGE_SWEEP_MS },
        { provide: BATCH_SETTINGS, useValue: batchSettings },
        { provide: BATCH_LOAD_WINDOW, useValue: config.BATCH_LOAD_WINDOW },
        BatchProcessor,
        BatchQueue,
        BatchRepository,
        BatchesService,
        DemandEventsConsumer,
        DemandProjectionRepository,
        DocumentRepository,
        DocumentsService,
        FileIntake,
        DocumentOutbox,
        PdfChecker,
        PurgeScheduler,
      ],
    };
  }
}
