import 'reflect-metadata';
import { bootstrapApp } from '@sne/platform';
import { AppModule } from './app.module';
import { APP_NAME, loadConsoleConfig } from './config';

void bootstrapApp(
  APP_NAME,
  () => loadConsoleConfig(),
  (config) => AppModule.forRoot(config),
);
