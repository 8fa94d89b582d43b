import { TEST_AUTH_SECRET } from './auth';
import type { Isolation } from './stack';
import { testStack } from './stack';

/**
 * The environment an app is started with in a test: the real local servers, and the test file's
 * own database, topic prefix and BullMQ prefix.
 */
export function appEnv(
  isolation: Isolation,
  overrides: Record<string, string> = {},
): Record<string, string> {
  const stack = testStack();
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    HTTP_HOST: '127.0.0.1',
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    TOPIC_PREFIX: isolation.topicPrefix,
    MONGODB_URI: stack.mongoUri,
    MONGODB_DATABASE: isolation.database,
    REDIS_URL: stack.redisUrl,
    SMTP_URL: stack.smtpUrl,
    SMPP_URL: stack.smppUrl,
    SMPP_SYSTEM_ID: 'sne',
    SMPP_PASSWORD: 'sne',
    AUTH_TOKEN_SECRETS: TEST_AUTH_SECRET,
    // Tests run their webhook receivers on 127.0.0.1 over http (a development setting).
    WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true',
    ...overrides,
  };
}

/** Settings that put an app's files in the local S3 server, in a bucket of the test file's own. */
export function s3StorageEnv(isolation: Isolation): Record<string, string> {
  const { s3 } = testStack();
  return {
    DOCUMENT_STORAGE: 's3',
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
    S3_BUCKET: isolation.id,
  };
}
