import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { type AccessTokenSettings, AccessTokenVerifier } from './access-token';
import { AuthGuard } from './auth.guard';

/** Every route of the app needs an access token of the identity provider (`@Public()` aside). */
@Module({})
export class AuthModule {
  static forRoot(settings: { verification: AccessTokenSettings }): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AccessTokenVerifier, useValue: new AccessTokenVerifier(settings.verification) },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [AccessTokenVerifier],
    };
  }
}
