import 'reflect-metadata';
import { bootstrapApp } from '@sne/platform';
import { AppModule } from './app.module';
import { APP_NAME, loadDocumentIngestionConfig } from './config';
import { DOCUMENT_INGESTION_OPENAPI } from './open-api';

void bootstrapApp(
  APP_NAME,
  () => loadDocumentIngestionConfig(),
  (config) => AppModule.forRoot(config),
  DOCUMENT_INGESTION_OPENAPI,
);
