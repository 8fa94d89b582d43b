import 'reflect-metadata';
import { bootstrapApp } from '@sne/platform';
import { AppModule } from './app.module';
import { APP_NAME, loadDocumentIngestionConfig } from './config';

void bootstrapApp(
  APP_NAME,
  () => loadDocumentIngestionConfig(),
  (config) => AppModule.forRoot(config),
);
