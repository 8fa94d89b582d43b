import type { INestApplication } from '@nestjs/common';
import { appEnv, type Isolation, startApp } from '@sne/testing';
import { AppModule } from '../../apps/audit-trail/src/app.module';
import { loadAuditTrailConfig } from '../../apps/audit-trail/src/config';
import { jsonClient } from './http-client';

/** The audit-trail app of a test file: it gathers what the file's apps record on its audit topic. */
export async function startAuditTrail(
  isolation: Isolation,
): Promise<{ app: INestApplication; client: ReturnType<typeof jsonClient> }> {
  const { app, url } = await startApp(AppModule.forRoot(loadAuditTrailConfig(appEnv(isolation))));
  return { app, client: jsonClient(url) };
}
