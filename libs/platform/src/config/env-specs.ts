import { bool, makeValidator, port, str, url } from 'envalid';
import ConnectionString from 'mongodb-connection-string-url';

/**
 * Environment variables, grouped by the dependency they configure. Each app composes the groups
 * it needs. Connection settings have development defaults pointing at deploy/local (127.0.0.1),
 * and none in production, where leaving one unset is an error.
 */

const brokerList = makeValidator<string[]>((input) => {
  const brokers = input
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  if (brokers.length === 0 || brokers.some((broker) => !/^[\w.-]+:\d{1,5}$/.test(broker))) {
    throw new Error('expected a comma-separated list of host:port');
  }
  return brokers;
});

const urlWithScheme = (schemes: readonly string[]) =>
  makeValidator<string>((input) => {
    let parsed: URL;
    try {
      parsed = new URL(input);
    } catch {
      throw new Error(`expected a URL (${schemes.join(', ')})`);
    }
    if (!schemes.includes(parsed.protocol.replace(/:$/, ''))) {
      throw new Error(`expected a ${schemes.join(' or ')} URL`);
    }
    return input;
  });

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const coreEnv = {
  NODE_ENV: str({ choices: ['production', 'development', 'test'], default: 'development' }),
  LOG_LEVEL: str({ choices: LOG_LEVELS, default: 'info' }),
  HTTP_HOST: str({ default: '127.0.0.1', desc: 'Address the HTTP server binds to' }),
};

export const httpPort = (defaultPort: number) => ({
  HTTP_PORT: port({ default: defaultPort }),
});

export const kafkaEnv = {
  KAFKA_BROKERS: brokerList({ devDefault: ['127.0.0.1:9092'] }),
  KAFKA_CLIENT_ID: str({ default: '' }),
  KAFKA_SSL: bool({ default: false }),
  KAFKA_SASL_MECHANISM: str({
    choices: ['', 'plain', 'scram-sha-256', 'scram-sha-512'],
    default: '',
  }),
  KAFKA_SASL_USERNAME: str({ default: '' }),
  KAFKA_SASL_PASSWORD: str({ default: '' }),
  TOPIC_PREFIX: str({ default: '', desc: 'Prepended to every topic name (test isolation)' }),
};

// Parsed like the driver does: a replica set lists several host:port, which URL cannot read.
const mongoUri = makeValidator<string>((input) => {
  try {
    new ConnectionString(input);
  } catch (error) {
    throw new Error(
      `expected a mongodb or mongodb+srv connection string (${(error as Error).message})`,
    );
  }
  return input;
});

export const mongoEnv = {
  MONGODB_URI: mongoUri({
    devDefault: 'mongodb://127.0.0.1:27017/',
  }),
  MONGODB_DATABASE: str({ default: '' }),
};

export const redisEnv = {
  REDIS_URL: urlWithScheme(['redis', 'rediss'])({ devDefault: 'redis://127.0.0.1:6379' }),
};

export const smtpEnv = {
  SMTP_URL: urlWithScheme(['smtp', 'smtps'])({ devDefault: 'smtp://127.0.0.1:2525' }),
  SMTP_FROM: str({ default: 'SNE <no-reply@demande-logement-social.gouv.fr>' }),
  SMTP_POOL_SIZE: port({ default: 5 }),
};

export const smppEnv = {
  SMPP_URL: urlWithScheme(['smpp', 'ssmpp'])({ devDefault: 'smpp://127.0.0.1:2775' }),
  SMPP_SYSTEM_ID: str({ devDefault: 'sne' }),
  SMPP_PASSWORD: str({ devDefault: 'sne' }),
  SMPP_SENDER: str({
    default: 'DemLogSoc',
    desc: 'Alphanumeric sender id (11 characters at most)',
  }),
};

export const portalEnv = {
  PORTAL_URL: url({ default: 'https://www.demande-logement-social.gouv.fr' }),
};
