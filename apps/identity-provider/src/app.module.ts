import {
  type DynamicModule,
  type INestApplication,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnModuleDestroy,
  RequestMethod,
} from '@nestjs/common';
import { urlencoded } from 'express';
import { PlatformModule } from '@sne/platform';
import { QueuesModule, redisSettingsFrom } from '@sne/queues';
import { Redis } from 'ioredis';
import type Provider from 'oidc-provider';
import { AccountStore } from './account-store';
import { ClientStore } from './client-store';
import { APP_NAME, type IdentityProviderConfig } from './config';
import {
  InteractionController,
  SIGN_IN_METHODS,
  type SignInMethods,
} from './interaction.controller';
import { OIDC_PROVIDER } from './oidc-provider.token';
import { chainProConnectLogout } from './proconnect/logout-chain';
import { ProConnectController } from './proconnect/proconnect.controller';
import { ProConnectSignIn } from './proconnect/proconnect-sign-in';
import { createProvider } from './provider';
import { redisAdapterFactory } from './redis-adapter';

export { OIDC_PROVIDER };
const REDIS = Symbol('IDP_REDIS');

/**
 * The identity provider app: oidc-provider under /oidc, its sign-in page under /interaction,
 * health and metrics beside them.
 */
@Module({})
export class AppModule implements NestModule, OnModuleDestroy {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  static forRoot(config: IdentityProviderConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ appName: APP_NAME, logLevel: config.LOG_LEVEL }),
        QueuesModule.forRoot(redisSettingsFrom(config)),
      ],
      controllers: [InteractionController, ProConnectController],
      providers: [
        {
          provide: REDIS,
          useFactory: () => new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3 }),
        },
        {
          provide: AccountStore,
          inject: [REDIS],
          useFactory: (redis: Redis) => new AccountStore(redis, config.IDP_KEY_PREFIX),
        },
        {
          provide: ProConnectSignIn,
          inject: [REDIS],
          useFactory: (redis: Redis) =>
            new ProConnectSignIn(
              {
                issuer: config.IDP_PROCONNECT_ISSUER,
                clientId: config.IDP_PROCONNECT_CLIENT_ID,
                clientSecret: config.IDP_PROCONNECT_CLIENT_SECRET,
                scopes: config.IDP_PROCONNECT_SCOPES,
                acr: config.IDP_PROCONNECT_ACR,
                publicOrigin: new URL(config.IDP_ISSUER).origin,
              },
              redis,
              config.IDP_KEY_PREFIX,
            ),
        },
        {
          provide: SIGN_IN_METHODS,
          useValue: {
            password: config.IDP_PASSWORD_SIGN_IN,
            proconnect: config.IDP_PROCONNECT_ISSUER !== '',
          } satisfies SignInMethods,
        },
        {
          provide: OIDC_PROVIDER,
          inject: [REDIS, AccountStore, ProConnectSignIn],
          useFactory: (redis: Redis, accounts: AccountStore, proconnect: ProConnectSignIn) => {
            const provider = createProvider({
              issuer: config.IDP_ISSUER,
              signingKeys: config.IDP_SIGNING_JWKS,
              machineTokenTtlSeconds: config.IDP_MACHINE_TOKEN_TTL_SECONDS,
              personTokenTtlSeconds: config.IDP_PERSON_TOKEN_TTL_SECONDS,
              cookieKeys: config.IDP_COOKIE_KEYS,
              secureCookies: config.IDP_SECURE_COOKIES,
              adapter: redisAdapterFactory(redis, config.IDP_KEY_PREFIX),
              accounts,
              registrationToken: config.IDP_REGISTRATION_TOKEN,
            });
            if (proconnect.enabled) chainProConnectLogout(provider, proconnect);
            return provider;
          },
        },
        {
          provide: ClientStore,
          inject: [REDIS],
          useFactory: (redis: Redis) => new ClientStore(redis, config.IDP_KEY_PREFIX),
        },
      ],
      exports: [ClientStore, AccountStore],
    };
  }

  /** The app reads no body but the sign-in form's (the provider reads its own). */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(urlencoded({ extended: false, limit: '4kb' }))
      .forRoutes({ path: 'interaction/*path', method: RequestMethod.POST });
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
