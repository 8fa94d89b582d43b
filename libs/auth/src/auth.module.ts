import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AUTH_SECRETS, AuthGuard } from './auth.guard';
import { TokenIssuer } from './token-issuer';

/** Bearer-token authentication for every route of the app (`@Public()` routes aside). */
@Module({})
export class AuthModule {
  static forRoot(settings: { secrets: readonly string[] }): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AUTH_SECRETS, useValue: settings.secrets },
        { provide: APP_GUARD, useClass: AuthGuard },
        TokenIssuer,
      ],
      exports: [TokenIssuer],
    };
  }
}
