import { TEST_ISSUER, TEST_JWKS, TEST_SIGNING_JWK } from './auth';
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
    ...(stack.kafkaAdmin
      ? {
          KAFKA_SASL_MECHANISM: stack.kafkaAdmin.mechanism,
          KAFKA_SASL_USERNAME: stack.kafkaAdmin.username,
          KAFKA_SASL_PASSWORD: stack.kafkaAdmin.password,
        }
      : {}),
    TOPIC_PREFIX: isolation.topicPrefix,
    MONGODB_URI: stack.mongoUri,
    MONGODB_DATABASE: isolation.database,
    REDIS_URL: stack.redisUrl,
    SMTP_URL: stack.smtpUrl,
    SMPP_URL: stack.smppUrl,
    SMPP_SYSTEM_ID: 'sne',
    SMPP_PASSWORD: 'sne',
    AUTH_ISSUER: TEST_ISSUER,
    AUTH_JWKS: TEST_JWKS,
    // Test files build their tokens once, as constants: they must outlive the file's run.
    AUTH_MAX_TOKEN_LIFETIME_SECONDS: '3600',
    // The console's client at the test's identity provider (test/support/identity-provider.ts).
    CONSOLE_OIDC_CLIENT_SECRET: 'sne-test-console-client-secret',
    IDP_SIGNING_JWKS: `{"keys":[${TEST_SIGNING_JWK}]}`,
    IDP_KEY_PREFIX: `${isolation.topicPrefix}idp:`,
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
