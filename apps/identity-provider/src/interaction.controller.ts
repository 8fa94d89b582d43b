import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { html, type Html, Public } from '@sne/platform';
import type { Request, Response } from 'express';
import type Provider from 'oidc-provider';
import { AccountStore } from './account-store';
import { OIDC_PROVIDER } from './oidc-provider.token';
import { SignInErrorsFilter } from './sign-in-errors.filter';
import { finishSignIn, sendPage } from './sign-in-pages';

/** How people may sign in at this provider: the settings' choice. */
export interface SignInMethods {
  readonly password: boolean;
  readonly proconnect: boolean;
}
export const SIGN_IN_METHODS = Symbol('SIGN_IN_METHODS');

function signInPage(
  methods: SignInMethods,
  uid: string,
  client: string,
  login = '',
  error?: string,
): Html {
  return html`<h1>Connexion</h1>
    <p>Application : ${client}</p>
    ${error ? html`<p role="alert">${error}</p>` : ''}
    ${
      methods.proconnect
        ? html`<form method="post" action="/interaction/${uid}/proconnect">
              <button type="submit">S’identifier avec ProConnect</button>
            </form>
            <p>
              <a href="https://www.proconnect.gouv.fr/" rel="noopener"
                >Qu’est-ce que ProConnect ?</a
              >
            </p>`
        : ''
    }
    ${
      methods.password
        ? html`<form method="post" action="/interaction/${uid}/login">
            <label
              >Identifiant <input name="login" autocomplete="username" value="${login}" required
            /></label>
            <label
              >Mot de passe
              <input name="password" type="password" autocomplete="current-password" required
            /></label>
            <button type="submit">Se connecter</button>
          </form>`
        : ''
    }
    <p><a href="/interaction/${uid}/abort">Annuler</a></p>`;
}

/**
 * The provider's sign-in page. A person signs in once per session; the register's own web client
 * (the console) is first-party, so consent is given with the sign-in: the scopes asked for, and
 * every API of the platform as resource.
 */
@Public()
@UseFilters(SignInErrorsFilter)
@Controller('interaction')
export class InteractionController {
  constructor(
    @Inject(OIDC_PROVIDER) private readonly provider: Provider,
    private readonly accounts: AccountStore,
    @Inject(SIGN_IN_METHODS) private readonly methods: SignInMethods,
  ) {}

  @Get(':uid')
  async show(@Param('uid') uid: string, @Req() request: Request, @Res() response: Response) {
    const details = await this.provider.interactionDetails(request, response);
    if (details.uid !== uid) return sendPage(response, 400, html`<p>Lien invalide.</p>`);
    if (details.prompt.name === 'consent' && details.session?.accountId) {
      await finishSignIn(
        this.provider,
        request,
        response,
        details.session.accountId,
        details.params,
        false,
      );
      return;
    }
    sendPage(response, 200, signInPage(this.methods, uid, String(details.params.client_id)));
  }

  @Post(':uid/login')
  @HttpCode(200)
  async login(@Param('uid') uid: string, @Req() request: Request, @Res() response: Response) {
    const details = await this.provider.interactionDetails(request, response);
    if (!this.methods.password || details.uid !== uid || details.prompt.name !== 'login')
      return sendPage(response, 400, html`<p>Lien invalide.</p>`);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const login =
      typeof body.login === 'string' ? body.login.trim().toLowerCase().slice(0, 64) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 256) : '';
    const person =
      login && password ? await this.accounts.authenticate(login, password) : undefined;
    if (!person)
      return sendPage(
        response,
        401,
        signInPage(
          this.methods,
          uid,
          String(details.params.client_id),
          login,
          'Identifiant ou mot de passe incorrect.',
        ),
      );
    await finishSignIn(this.provider, request, response, person.login, details.params, true);
  }

  @Get(':uid/abort')
  async abort(@Req() request: Request, @Res() response: Response) {
    await this.provider.interactionFinished(
      request,
      response,
      { error: 'access_denied', error_description: 'sign-in cancelled' },
      { mergeWithLastSubmission: false },
    );
  }
}
