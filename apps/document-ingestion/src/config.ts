import { authEnv } from '@sne/auth';
import {
  coreEnv,
  httpPort,
  kafkaEnv,
  loadConfig,
  mongoEnv,
  redisEnv,
  smtpEnv,
} from '@sne/platform';
import type { CleanedEnv } from 'envalid';

export const APP_NAME = 'document-ingestion';

export const documentIngestionEnv = {
  ...coreEnv,
  ...authEnv,
  ...httpPort(3004),
  ...kafkaEnv,
  ...mongoEnv,
  ...redisEnv,
  ...smtpEnv,
};

export type DocumentIngestionConfig = Readonly<CleanedEnv<typeof documentIngestionEnv>>;

export function loadDocumentIngestionConfig(
  env?: Record<string, string | undefined>,
): DocumentIngestionConfig {
  return loadConfig(APP_NAME, documentIngestionEnv, env);
}
