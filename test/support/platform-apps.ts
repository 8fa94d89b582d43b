import type { DynamicModule } from '@nestjs/common';
import * as auditTrail from '../../apps/audit-trail/src/app.module';
import { loadAuditTrailConfig } from '../../apps/audit-trail/src/config';
import * as dispatching from '../../apps/dispatching/src/app.module';
import { loadDispatchingConfig } from '../../apps/dispatching/src/config';
import * as documentIngestion from '../../apps/document-ingestion/src/app.module';
import { loadDocumentIngestionConfig } from '../../apps/document-ingestion/src/config';
import * as registration from '../../apps/registration/src/app.module';
import { loadRegistrationConfig } from '../../apps/registration/src/config';
import * as renewalNotices from '../../apps/renewal-notices/src/app.module';
import { loadRenewalNoticesConfig } from '../../apps/renewal-notices/src/config';

export type Env = Record<string, string>;

/** The apps with an HTTP API, by the name of their OpenAPI file in docs/openapi/. */
export const API_APPS: ReadonlyArray<{ name: string; module: (env: Env) => DynamicModule }> = [
  {
    name: 'registration',
    module: (env) => registration.AppModule.forRoot(loadRegistrationConfig(env)),
  },
  {
    name: 'dispatching',
    module: (env) => dispatching.AppModule.forRoot(loadDispatchingConfig(env)),
  },
  {
    name: 'renewal-notices',
    module: (env) => renewalNotices.AppModule.forRoot(loadRenewalNoticesConfig(env)),
  },
  {
    name: 'document-ingestion',
    module: (env) => documentIngestion.AppModule.forRoot(loadDocumentIngestionConfig(env)),
  },
  {
    name: 'audit-trail',
    module: (env) => auditTrail.AppModule.forRoot(loadAuditTrailConfig(env)),
  },
];
