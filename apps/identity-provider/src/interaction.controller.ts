import { Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { apiAudience } from '@sne/auth';
import { html, type Html, Public } from '@sne/platform';
import type { Request, Response } from 'express';
import type Provider from 'oidc-provider';
import { AccountStore } from './account-store';
import { OIDC_PROVIDER } from './oidc-provider.token';
import { OIDC_SCOPES, PLATFORM_APIS } from './provider';

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // No script, no style from elsewhere, never framed (clickjacking of the sign-in form).
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

function page(body: Html): string {
  return html`<!doctype html>
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <title>Connexion — Système national d'enregistrement</title>
      </head>
      <body>
        <main>${body}</main>
      </body>
    </html>`.markup;
}

function loginForm(uid: string, client: string, login = '', error?: string): string {
  return page(
    html`<h1>Connexion</h1>
      <p>Application : ${client}</p>
      ${error ? html`<p role="alert">${error}</p>` : ''}
      <form method="post" action="/interaction/${uid}/login">
        <label
          >Identifiant <input name="login" autocomplete="username" value="${login}" required
        /></label>
        <label
          >Mot de passe
          <input name="password" type="password" autocomplete="current-password" required
        /></label>
        <button type="submit">Se connecter</button>
      </form>
      <p><a href="/interaction/${uid}/abort">Annuler</a></p>`,
  );
}

/**
 * The provider's sign-in page. A person signs in once per session; the register's own web client
 * (the console) is first-party, so consent is given with the sign-in: the scopes asked for, and
 * every API of the platform as resource.
 */
@Public()
@Controller('interaction')
export class InteractionController {
  constructor(
    @Inject(OIDC_PROVIDER) private readonly provider: Provider,
    private readonly accounts: AccountStore,
  ) {}

  @Get(':uid')
  async show(@Param('uid') uid: string, @Req() request: Request, @Res() response: Response) {
    const details = await this.provider.interactionDetails(request, response);
    if (details.uid !== uid)
      return response
        .status(400)
        .set(PAGE_HEADERS)
        .send(page(html`<p>Lien invalide.</p>`));
    if (details.prompt.name === 'consent' && details.session?.accountId)
      return this.finish(request, response, details.session.accountId, details.params, false);
    response
      .status(200)
      .set(PAGE_HEADERS)
      .send(loginForm(uid, String(details.params.client_id)));
  }

  @Post(':uid/login')
  @HttpCode(200)
  async login(@Param('uid') uid: string, @Req() request: Request, @Res() response: Response) {
    const details = await this.provider.interactionDetails(request, response);
    if (details.uid !== uid || details.prompt.name !== 'login')
      return response
        .status(400)
        .set(PAGE_HEADERS)
        .send(page(html`<p>Lien invalide.</p>`));
    const body = (request.body ?? {}) as Record<string, unknown>;
    const login =
      typeof body.login === 'string' ? body.login.trim().toLowerCase().slice(0, 64) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 256) : '';
    const person =
      login && password ? await this.accounts.authenticate(login, password) : undefined;
    if (!person)
      return response
        .status(401)
        .set(PAGE_HEADERS)
        .send(
          loginForm(
            uid,
            String(details.params.client_id),
            login,
            'Identifiant ou mot de passe incorrect.',
          ),
        );
    return this.finish(request, response, person.login, details.params, true);
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

  private async finish(
    request: Request,
    response: Response,
    accountId: string,
    params: Record<string, unknown>,
    signedIn: boolean,
  ): Promise<void> {
    const grant = new this.provider.Grant({ accountId, clientId: String(params.client_id) });
    const scopes = (typeof params.scope === 'string' ? params.scope : '')
      .split(' ')
      .filter((scope) => OIDC_SCOPES.includes(scope));
    grant.addOIDCScope(scopes.join(' '));
    for (const api of PLATFORM_APIS) grant.addResourceScope(apiAudience(api), 'api');
    const grantId = await grant.save();
    await this.provider.interactionFinished(
      request,
      response,
      { ...(signedIn ? { login: { accountId } } : {}), consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }
}
