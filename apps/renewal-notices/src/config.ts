import { authEnv } from '@sne/auth';
import {
  coreEnv,
  httpPort,
  kafkaEnv,
  loadConfig,
  mongoEnv,
  portalEnv,
  redisEnv,
  smppEnv,
  smtpEnv,
} from '@sne/platform';
import type { CleanedEnv } from 'envalid';

export const APP_NAME = 'renewal-notices';

export const renewalNoticesEnv = {
  ...coreEnv,
  ...authEnv,
  ...httpPort(3003),
  ...kafkaEnv,
  ...mongoEnv,
  ...redisEnv,
  ...smtpEnv,
  ...smppEnv,
  ...portalEnv,
};

export type RenewalNoticesConfig = Readonly<CleanedEnv<typeof renewalNoticesEnv>>;

export function loadRenewalNoticesConfig(
  env?: Record<string, string | undefined>,
): RenewalNoticesConfig {
  return loadConfig(APP_NAME, renewalNoticesEnv, env);
}
