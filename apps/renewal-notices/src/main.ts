import 'reflect-metadata';
import { bootstrapApp } from '@sne/platform';
import { AppModule } from './app.module';
import { APP_NAME, loadRenewalNoticesConfig } from './config';
import { RENEWAL_NOTICES_OPENAPI } from './open-api';

void bootstrapApp(
  APP_NAME,
  () => loadRenewalNoticesConfig(),
  (config) => AppModule.forRoot(config),
  RENEWAL_NOTICES_OPENAPI,
);
