import {
  type DynamicModule,
  Inject,
  Module,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { ReadinessRegistry } from '@sne/platform';
import { Redis } from 'ioredis';
import { JobRegistry } from './job-registry';
import {
  connectionOptions,
  QueueFactory,
  REDIS_SETTINGS,
  type RedisSettings,
} from './queue-factory';

@Module({})
export class QueuesModule implements OnModuleInit, OnModuleDestroy {
  private probeClient: Redis | undefined;

  constructor(
    private readonly readiness: ReadinessRegistry,
    @Inject(REDIS_SETTINGS) private readonly settings: RedisSettings,
  ) {}

  static forRoot(settings: RedisSettings): DynamicModule {
    return {
      module: QueuesModule,
      global: true,
      providers: [{ provide: REDIS_SETTINGS, useValue: settings }, QueueFactory, JobRegistry],
      exports: [QueueFactory, JobRegistry],
    };
  }

  onModuleInit(): void {
    // A separate client without an offline queue: a ping fails at once while Redis is down
    // instead of waiting for the reconnection like the workers do.
    this.probeClient = new Redis({
      ...connectionOptions(this.settings.url),
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      lazyConnect: false,
    });
    this.probeClient.on('error', () => undefined);
    this.readiness.register({
      name: 'redis',
      check: async () => {
        const client = this.probeClient;
        if (!client || client.status !== 'ready') {
          throw new Error(`redis connection is ${client?.status ?? 'absent'}`);
        }
        await client.ping();
      },
    });
  }

  onModuleDestroy(): void {
    this.probeClient?.disconnect();
  }
}
