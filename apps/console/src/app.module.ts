import { AuditModule } from '@sne/audit';
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
import { RequireSignInMiddleware } from './sign-in/require-sign-in.middleware';
import { SignInController } from './sign-in/sign-in.controller';
import { SIGN_IN_SETTINGS, SignInService, type SignInSettings } from './sign-in/sign-in.service';

/** The console app: operators' monitoring console. */
@Module({})
export class AppModule implements NestModule {
  constructor(
    private readonly sessions: ConsoleSessions,
    private readonly signIn: SignInService,
  ) {}

  static forRoot(config: ConsoleConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ appName: APP_NAME, logLevel: config.LOG_LEVEL }),
        KafkaModule.forRoot(kafkaSettingsFrom(config, APP_NAME)),
        // No store of its own: its entries go to the audit topic, acknowledged.
        AuditModule.forRoot(),
        QueuesModule.forRoot(redisSettingsFrom(config)),
      ],
      controllers: [
        ConsoleController,
        DispatchingController,
        RenewalNoticesController,
        ScannedBatchesController,
        SignInController,
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
        {
          provide: SIGN_IN_SETTINGS,
          useValue: {
            issuer: config.CONSOLE_OIDC_ISSUER,
            clientId: config.CONSOLE_OIDC_CLIENT_ID,
            clientSecret: config.CONSOLE_OIDC_CLIENT_SECRET,
            publicUrl: config.CONSOLE_PUBLIC_URL,
            apis: ['dispatching', 'renewal-notices', 'document-ingestion'],
          } satisfies SignInSettings,
        },
        SignInService,
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
   * session, then the CSRF check of every POST, then a signed-in person on every route but
   * sign-in, health and metrics.
   */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(
        helmet({
          contentSecurityPolicy: {
            // Logging out is a form whose answer redirects to the provider's logout.
            directives: {
              'script-src': ["'self'"],
              'form-action': ["'self'", this.signIn.providerOrigin],
            },
          },
        }),
        this.sessions.session,
        this.sessions.protection,
      )
      .forRoutes('{*path}');
    consumer
      .apply(RequireSignInMiddleware)
      .exclude('auth/*path', 'health/*path', 'metrics')
      .forRoutes('{*path}');
  }
}
