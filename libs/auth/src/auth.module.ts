import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { type AccessTokenSettings, AccessTokenVerifier } from './access-token';
import { AuthGuard } from './auth.guard';
import { type SigningSettings, TokenIssuer } from './token-issuer';

/**
 * Every route of the app needs an access token of the identity provider (`@Public()` routes
 * aside). An app that calls the others (the console) is also given a signer.
 */
@Module({})
export class AuthModule {
  static forRoot(settings: {
    verification: AccessTokenSettings;
    signing?: SigningSettings;
  }): DynamicModule {
    const providers: Provider[] = [
      { provide: AccessTokenVerifier, useValue: new AccessTokenVerifier(settings.verification) },
      { provide: APP_GUARD, useClass: AuthGuard },
    ];
    if (settings.signing) providers.push(TokenIssuer.provider(settings.signing));
    return {
      module: AuthModule,
      global: true,
      providers,
      exports: settings.signing ? [AccessTokenVerifier, TokenIssuer] : [AccessTokenVerifier],
    };
  }
}
