import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';

/**
 * Where the real servers of deploy/local listen. Defaults match deploy/local/config.sh; the same
 * environment variables override both.
 */
export interface TestStack {
  readonly kafkaBrokers: string[];
  /** The broker's admin (a super user): tests read and write any topic as it. */
  readonly kafkaAdmin?: {
    readonly mechanism: 'scram-sha-512';
    readonly username: string;
    readonly password: string;
  };
  readonly mongoUri: string;
  readonly redisUrl: string;
  readonly smtpUrl: string;
  readonly smppUrl: string;
  readonly smtpSinkApiUrl: string;
  readonly smppSinkApiUrl: string;
  readonly s3: {
    readonly endpoint: string;
    readonly region: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
  };
}

export function testStack(env: NodeJS.ProcessEnv = process.env): TestStack {
  return {
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    ...kafkaAdminOf(env),
    mongoUri: env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    smtpUrl: env.SMTP_URL ?? 'smtp://127.0.0.1:2525',
    smppUrl: env.SMPP_URL ?? 'smpp://127.0.0.1:2775',
    smtpSinkApiUrl: env.SMTP_SINK_API_URL ?? 'http://127.0.0.1:8025',
    smppSinkApiUrl: env.SMPP_SINK_API_URL ?? 'http://127.0.0.1:8026',
    s3: {
      endpoint: env.S3_ENDPOINT ?? 'http://127.0.0.1:9000',
      region: env.S3_REGION ?? 'us-east-1',
      accessKeyId: env.S3_ACCESS_KEY_ID ?? 'sne-local',
      secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? 'sne-local-secret',
    },
  };
}

/** Resolves true when something accepts TCP connections at host:port. */
export function isListening(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

export function hostPort(url: string): { host: string; port: number } {
  if (!url.includes('://')) {
    const [host, port] = url.split(':');
    return { host: host ?? '127.0.0.1', port: Number(port) };
  }
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

/**
 * Names that keep one test file's data apart from every other's on the shared servers: its own
 * MongoDB database, topic and consumer-group prefix, and BullMQ key prefix.
 */
export interface Isolation {
  readonly id: string;
  readonly database: string;
  readonly topicPrefix: string;
}

export function isolate(label: string): Isolation {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 24);
  const id = `${slug}-${randomBytes(4).toString('hex')}`;
  return { id, database: `test-${id}`, topicPrefix: `test.${id}.` };
}

/** The admin credential deploy/local/infra.sh made when it formatted the broker's storage. */
function kafkaAdminOf(env: NodeJS.ProcessEnv): Pick<TestStack, 'kafkaAdmin'> {
  const file = kafkaAdminPasswordFile(env);
  if ((env.KAFKA_SASL_MECHANISM ?? 'scram-sha-512') === 'none' || !existsSync(file)) return {};
  return {
    kafkaAdmin: {
      mechanism: 'scram-sha-512',
      username: env.KAFKA_ADMIN_USERNAME ?? 'sne-admin',
      password: readFileSync(file, 'utf8').trim(),
    },
  };
}

export function kafkaAdminPasswordFile(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.KAFKA_ADMIN_PASSWORD_FILE ??
    join(env.SNE_RUN_DIR ?? join(__dirname, '..', '..', '..', '.run'), 'kafka', 'admin.password')
  );
}
