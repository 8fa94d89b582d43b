import { authEnv } from '@sne/auth';
import { coreEnv, httpPort, kafkaEnv, loadConfig, mongoEnv } from '@sne/platform';
import type { CleanedEnv } from 'envalid';

export const APP_NAME = 'audit-trail';

export const auditTrailEnv = {
  ...coreEnv,
  ...authEnv,
  ...httpPort(3006),
  ...kafkaEnv,
  ...mongoEnv,
};

export type AuditTrailConfig = Readonly<CleanedEnv<typeof auditTrailEnv>>;

export function loadAuditTrailConfig(env?: Record<string, string | undefined>): AuditTrailConfig {
  return loadConfig(APP_NAME, auditTrailEnv, env);
}
