import 'reflect-metadata';
import { bootstrapApp } from '@sne/platform';
import { AppModule } from './app.module';
import { APP_NAME, loadAuditTrailConfig } from './config';
import { AUDIT_TRAIL_OPENAPI } from './open-api';

void bootstrapApp(
  APP_NAME,
  () => loadAuditTrailConfig(),
  (config) => AppModule.forRoot(config),
  AUDIT_TRAIL_OPENAPI,
);
