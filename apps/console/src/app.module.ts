import { AuthModule, accessTokenSettingsFrom } from '@sne/auth';
import {
  type DynamicModule,
  type MiddlewareConsumer,
  Module,
  type NestModule,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import helmet from 'helmet';
import { KafkaModule, kafkaSettingsFrom } from '@sne/kafka';
import { PlatformModule } from '@sne/platform';
import { QueuesModule, redisSettingsFrom } from '@sne/queues';
import { ConsoleController } from './console.controller';
import { DispatchingClient } from './dispatching/dispatching.client';
import { DispatchingController } from './dispatching/dispatching.controller';
import { DocumentIngestionClient } from './document-ingestion/document-ingestion.client';
import { ScannedBatchesController } from './document-ingestion/scanned-batches.controller';
import { PlatformStatusService, CONSOLE_CONFIG } from './platform-status.service';
import { RenewalNoticesClient } from './renewal-notices/renewal-notices.client';
import { RenewalNoticesController } from './renewal-notices/renewal-notices.controller';
import { APP_NAME, type ConsoleConfig } from './config';
import {
  ConsoleSessions,
  CsrfFormsInterceptor,
  SESSION_SETTINGS,
  type SessionSettings,
} from './session/console-session';

/** The console app: operators' monitoring console. */
@Module({})
export class AppModule implements NestModule {
  constructor(private readonly sessions: ConsoleSessions) {}

  static forRoot(config: ConsoleConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ appName: APP_NAME, logLevel: config.LOG_LEVEL }),
        AuthModule.forRoot({
          verification: accessTokenSettingsFrom(config, APP_NAME),
          signing: {
            issuer: config.AUTH_ISSUER,
            privateJwk: config.CONSOLE_SIGNING_JWK,
            clientId: 'sne-console',
          },
        }),
        KafkaModule.forRoot(kafkaSettingsFrom(config, APP_NAME)),
        QueuesModule.forRoot(redisSettingsFrom(config)),
      ],
      controllers: [
        ConsoleController,
        DispatchingController,
        RenewalNoticesController,
        ScannedBatchesController,
      ],
      providers: [
        { provide: CONSOLE_CONFIG, useValue: config },
        {
          provide: SESSION_SETTINGS,
          useValue: {
            redisUrl: config.REDIS_URL,
            keyPrefix: `${config.TOPIC_PREFIX}sne:`,
            secrets: config.CONSOLE_SESSION_SECRETS,
            secureCookie: config.CONSOLE_SECURE_COOKIE,
            maxAgeSeconds: config.CONSOLE_SESSION_MAX_AGE_SECONDS,
          } satisfies SessionSettings,
        },
        ConsoleSessions,
        { provide: APP_INTERCEPTOR, useClass: CsrfFormsInterceptor },
        PlatformStatusService,
        DispatchingClient,
        RenewalNoticesClient,
        DocumentIngestionClient,
      ],
    };
  }

  /**
   * Security headers on every page (a strict content policy, no framing, no sniffing), then the
   * session, then the CSRF check of every POST.
   */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(
        helmet({
          contentSecurityPolicy: {
            directives: { 'script-src': ["'self'"], 'form-action': ["'self'"] },
          },
        }),
        this.sessions.session,
        this.sessions.protection,
      )
      .forRoutes('*path');
  }
}
