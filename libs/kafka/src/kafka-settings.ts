import type { KafkaConfig, SASLOptions } from 'kafkajs';

export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly ssl: boolean;
  readonly sasl?: {
    mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    username: string;
    password: string;
  };
  /** Prepended to every topic and consumer group name: isolates test runs on one broker. */
  readonly topicPrefix: string;
}

export interface KafkaEnv {
  readonly KAFKA_BROKERS: readonly string[];
  readonly KAFKA_CLIENT_ID: string;
  readonly KAFKA_SSL: boolean;
  readonly KAFKA_SASL_MECHANISM: string;
  readonly KAFKA_SASL_USERNAME: string;
  readonly KAFKA_SASL_PASSWORD: string;
  readonly TOPIC_PREFIX: string;
}

export function kafkaSettingsFrom(env: KafkaEnv, appName: string): KafkaSettings {
  const mechanism = env.KAFKA_SASL_MECHANISM;
  return {
    brokers: env.KAFKA_BROKERS,
    clientId: env.KAFKA_CLIENT_ID || `sne-${appName}`,
    ssl: env.KAFKA_SSL,
    topicPrefix: env.TOPIC_PREFIX,
    ...(mechanism === 'plain' || mechanism === 'scram-sha-256' || mechanism === 'scram-sha-512'
      ? {
          sasl: { mechanism, username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD },
        }
      : {}),
  };
}

export function toKafkaConfig(
  settings: KafkaSettings,
  logCreator: KafkaConfig['logCreator'],
): KafkaConfig {
  return {
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    ssl: settings.ssl,
    ...(settings.sasl ? { sasl: settings.sasl as SASLOptions } : {}),
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 30_000 },
    logCreator,
  };
}

/** Injection token of the KafkaSettings an app was started with. */
export const KAFKA_SETTINGS = Symbol('KAFKA_SETTINGS');
