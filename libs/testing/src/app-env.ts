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
    ...overrides,
  };
}
