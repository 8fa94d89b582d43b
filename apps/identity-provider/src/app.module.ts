import {
  type DynamicModule,
  type INestApplication,
  Inject,
  Module,
  type OnModuleDestroy,
} from '@nestjs/common';
import { PlatformModule } from '@sne/platform';
import { QueuesModule, redisSettingsFrom } from '@sne/queues';
import { Redis } from 'ioredis';
import type Provider from 'oidc-provider';
import { ClientStore } from './client-store';
import { APP_NAME, type IdentityProviderConfig } from './config';
import { createProvider } from './provider';
import { redisAdapterFactory } from './redis-adapter';

export const OIDC_PROVIDER = Symbol('OIDC_PROVIDER');
const REDIS = Symbol('IDP_REDIS');

/** The identity provider app: oidc-provider under /oidc, health and metrics beside it. */
@Module({})
export class AppModule implements OnModuleDestroy {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  static forRoot(config: IdentityProviderConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ appName: APP_NAME, logLevel: config.LOG_LEVEL }),
        QueuesModule.forRoot(redisSettingsFrom(config)),
      ],
      providers: [
        {
          provide: REDIS,
          useFactory: () => new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3 }),
        },
        {
          provide: OIDC_PROVIDER,
          inject: [REDIS],
          useFactory: (redis: Redis) =>
            createProvider({
              issuer: config.IDP_ISSUER,
              signingKeys: config.IDP_SIGNING_JWKS,
              machineTokenTtlSeconds: config.IDP_MACHINE_TOKEN_TTL_SECONDS,
              cookieKeys: config.IDP_COOKIE_KEYS,
              adapter: redisAdapterFactory(redis, config.IDP_KEY_PREFIX),
            }),
        },
        {
          provide: ClientStore,
          inject: [REDIS],
          useFactory: (redis: Redis) => new ClientStore(redis, config.IDP_KEY_PREFIX),
        },
      ],
      exports: [ClientStore],
    };
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}

/**
 * Mounts the provider under the issuer's path, before Nest's own routes and body parsers: it
 * reads its requests' bodies itself.
 */
export function mountProvider(app: INestApplication, config: IdentityProviderConfig): void {
  const provider = app.get<Provider>(OIDC_PROVIDER);
  app.use(new URL(config.IDP_ISSUER).pathname, provider.callback());
}
