import 'reflect-metadata';
import { bootstrapApp } from '@sne/platform';
import { AppModule } from './app.module';
import { APP_NAME, loadRegistrationConfig } from './config';
import { REGISTRATION_OPENAPI } from './open-api';

void bootstrapApp(
  APP_NAME,
  () => loadRegistrationConfig(),
  (config) => AppModule.forRoot(config),
  REGISTRATION_OPENAPI,
);
