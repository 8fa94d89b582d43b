import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Queue, Worker, type Processor, type QueueOptions, type WorkerOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

export interface RedisSettings {
  readonly url: string;
  /** Prefix of every BullMQ key: isolates test runs and apps sharing one Redis. */
  readonly prefix: string;
}

export interface RedisEnv {
  readonly REDIS_URL: string;
  readonly TOPIC_PREFIX?: string;
}

export function redisSettingsFrom(env: RedisEnv): RedisSettings {
  return { url: env.REDIS_URL, prefix: `${env.TOPIC_PREFIX ?? ''}sne` };
}

export const REDIS_SETTINGS = Symbol('REDIS_SETTINGS');

export function connectionOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ workers block on Redis; they must wait for a reconnection rather than fail a command.
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(200 * times, 5_000),
  };
}

/**
 * Creates BullMQ queues and workers on the app's Redis and closes them at shutdown. Queues get the
 * platform's defaults: failed jobs kept for inspection, completed ones trimmed.
 */
@Injectable()
export class QueueFactory implements OnModuleDestroy {
  private readonly closables: Array<{ close(): Promise<void> }> = [];

  constructor(@Inject(REDIS_SETTINGS) private readonly settings: RedisSettings) {}

  queue<T = unknown>(name: string, options: Partial<QueueOptions> = {}): Queue<T> {
    const queue = new Queue<T>(name, {
      connection: connectionOptions(this.settings.url),
      prefix: this.settings.prefix,
      defaultJobOptions: {
        attempts: 8,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
        removeOnFail: false,
      },
      ...options,
    });
    this.closables.push(queue);
    return queue;
  }

  worker<T = unknown, R = unknown>(
    name: string,
    processor: Processor<T, R>,
    options: Partial<WorkerOptions> = {},
  ): Worker<T, R> {
    const worker = new Worker<T, R>(name, processor, {
      connection: connectionOptions(this.settings.url),
      prefix: this.settings.prefix,
      concurrency: 4,
      ...options,
    });
    this.closables.push(worker);
    return worker;
  }

  /** A plain Redis client on the same server (for data structures next to the queues). */
  client(): Redis {
    const client = new Redis(connectionOptions(this.settings.url));
    this.closables.push({ close: () => client.quit().then(() => undefined) });
    return client;
  }

  /** The prefix of every key of this app in Redis. */
  get keyPrefix(): string {
    return this.settings.prefix;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.closables.splice(0).map((closable) => closable.close()));
  }
}
