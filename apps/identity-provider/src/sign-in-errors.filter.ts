import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { html } from '@sne/platform';
import type { Response } from 'express';
import { errors } from 'oidc-provider';
import * as oidc from 'openid-client';
import { sendPage } from './sign-in-pages';

/**
 * The sign-in pages answer a browser, in its words: an interaction the provider does not know
 * (no cookie, expired, another browser's) is the provider's own 4xx, and ProConnect failing to
 * answer as documented is a 502, never the platform's 500.
 */
@Catch(errors.OIDCProviderError, oidc.ClientError, oidc.ResponseBodyError)
export class SignInErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger(SignInErrorsFilter.name);

  catch(exception: Error, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof errors.OIDCProviderError && exception.statusCode < 500) {
      sendPage(response, exception.statusCode, html`<p>Lien invalide ou expiré.</p>`);
      return;
    }
    this.logger.warn({ msg: 'sign-in failed upstream', reason: exception.message });
    sendPage(
      response,
      502,
      html`<h1>Connexion impossible</h1>
        <p>Le service d’identification n’a pas répondu.</p>`,
    );
  }
}
