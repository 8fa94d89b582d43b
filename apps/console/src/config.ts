import { authEnv } from '@sne/auth';
import { coreEnv, httpPort, kafkaEnv, loadConfig, redisEnv } from '@sne/platform';
import type { CleanedEnv } from 'envalid';
import { url } from 'envalid';

export const APP_NAME = 'console';

export const consoleEnv = {
  ...coreEnv,
  ...authEnv,
  ...httpPort(3000),
  ...kafkaEnv,
  ...redisEnv,
  REGISTRATION_URL: url({ default: 'http://127.0.0.1:3001' }),
  DISPATCHING_URL: url({ default: 'http://127.0.0.1:3002' }),
  RENEWAL_NOTICES_URL: url({ default: 'http://127.0.0.1:3003' }),
  DOCUMENT_INGESTION_URL: url({ default: 'http://127.0.0.1:3004' }),
};

export type ConsoleConfig = Readonly<CleanedEnv<typeof consoleEnv>>;

export function loadConsoleConfig(env?: Record<string, string | undefined>): ConsoleConfig {
  return loadConfig(APP_NAME, consoleEnv, env);
}
