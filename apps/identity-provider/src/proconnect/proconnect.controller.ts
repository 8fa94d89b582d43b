import {
  Controller,
  Get,
  Inject,
  Logger,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { html, OAuthCallbackQuery, Public } from '@sne/platform';
import type { Request, Response } from 'express';
import type Provider from 'oidc-provider';
import { AccountStore } from '../account-store';
import { OIDC_PROVIDER } from '../oidc-provider.token';
import { SignInErrorsFilter } from '../sign-in-errors.filter';
import { finishSignIn, sendPage } from '../sign-in-pages';
import { ProConnectRefusal, ProConnectSignIn } from './proconnect-sign-in';

const INVALID_LINK = html`<p>Lien invalide.</p>`;

/**
 * Signing in through ProConnect, in three legs: the sign-in page's button sends the browser to
 * ProConnect; ProConnect's callback (one fixed URI, declared there) is checked and matched to an
 * account of the register; the interaction's own page, which its cookie opens, ends it. An agent
 * ProConnect knows but the register does not gets no session: roles and territory are the
 * register's decision, made in its accounts.
 */
@Public()
@UseFilters(SignInErrorsFilter)
@Controller('interaction')
export class ProConnectController {
  private readonly logger = new Logger(ProConnectController.name);

  constructor(
    @Inject(OIDC_PROVIDER) private readonly provider: Provider,
    private readonly accounts: AccountStore,
    private readonly proconnect: ProConnectSignIn,
  ) {}

  @Post(':uid/proconnect')
  async start(@Param('uid') uid: string, @Req() request: Request, @Res() response: Response) {
    if (!this.proconnect.enabled) return sendPage(response, 404, INVALID_LINK);
    const details = await this.provider.interactionDetails(request, response);
    if (details.uid !== uid || details.prompt.name !== 'login')
      return sendPage(response, 400, INVALID_LINK);
    response.redirect(303, await this.proconnect.start(uid));
  }

  @Get('proconnect/callback')
  @OAuthCallbackQuery()
  async callback(@Req() request: Request, @Res() response: Response) {
    if (!this.proconnect.enabled) return sendPage(response, 404, INVALID_LINK);
    const search = new URL(request.originalUrl, 'http://callback').search;
    try {
      const { uid, agent, idToken } = await this.proconnect.complete(
        this.proconnect.callbackUrl(search),
      );
      const person = await this.accounts.findAgent(agent, new Date());
      if (!person) {
        // Which account was looked for, without the address itself in the log.
        this.logger.warn({ msg: 'ProConnect agent without an account', idpId: agent.idpId });
        return sendPage(
          response,
          403,
          html`<h1>Accès refusé</h1>
            <p>
              ProConnect vous a authentifié, mais aucun compte du registre n’est ouvert pour votre
              adresse et votre établissement. Demandez-le au gestionnaire de votre territoire.
            </p>
            <p><a href="/interaction/${uid}">Revenir à la connexion</a></p>`,
        );
      }
      const state = new URL(search, 'http://callback').searchParams.get('state') as string;
      await this.proconnect.hold(state, uid, person.login, idToken);
      response.redirect(
        303,
        `/interaction/${encodeURIComponent(uid)}/proconnect/finish?state=${encodeURIComponent(state)}`,
      );
    } catch (error) {
      if (!(error instanceof ProConnectRefusal)) throw error;
      sendPage(
        response,
        403,
        html`<h1>Connexion impossible</h1>
          <p>${error.message}</p>`,
      );
    }
  }

  @Get(':uid/proconnect/finish')
  @ApiQuery({ name: 'state' })
  async finish(
    @Param('uid') uid: string,
    @Query('state') state: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ) {
    if (!this.proconnect.enabled) return sendPage(response, 404, INVALID_LINK);
    const details = await this.provider.interactionDetails(request, response);
    const held =
      details.uid === uid && details.prompt.name === 'login' && typeof state === 'string'
        ? await this.proconnect.take(state, uid)
        : undefined;
    if (!held) return sendPage(response, 400, INVALID_LINK);
    const grantId = await finishSignIn(
      this.provider,
      request,
      response,
      held.login,
      details.params,
      true,
    );
    await this.proconnect.keepForLogout(grantId, held.idToken);
  }

  @Get('proconnect/logged-out')
  @ApiQuery({ name: 'state', required: false })
  async loggedOut(@Query('state') state: unknown, @Res() response: Response) {
    const returnTo =
      this.proconnect.enabled && typeof state === 'string'
        ? await this.proconnect.afterLogout(state)
        : undefined;
    if (returnTo) return response.redirect(303, returnTo);
    sendPage(response, 200, html`<h1>Vous êtes déconnecté.</h1>`);
  }
}
