import { Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { AuditLog } from '@sne/audit';
import { html, OAuthCallbackQuery } from '@sne/platform';
import type { Request, Response } from 'express';
import { layout } from '../html';
import { SignInService } from './sign-in.service';
import type { SignedIn } from './signed-in-session';

/** Signing in and out through the identity provider; the only pages open without a session. */
@Controller('auth')
export class SignInController {
  constructor(
    private readonly signIn: SignInService,
    private readonly audit: AuditLog,
  ) {}

  /** Sign-ins and sign-outs are security events of the trail, bounded by the person's territory. */
  private record(action: 'sign-in' | 'sign-out', person: SignedIn): Promise<void> {
    return this.audit.record({
      principal: {
        kind: 'operator',
        id: person.sub,
        roles: person.roles,
        territory: person.territory,
      },
      action,
      channel: 'console',
      departments: person.territory === 'all' ? [] : person.territory,
      detail: `roles: ${person.roles.join(', ')}`,
      at: new Date(),
    });
  }

  @Get('login')
  async login(
    @Query('returnTo') returnTo: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ) {
    const { url, pending } = await this.signIn.start(typeof returnTo === 'string' ? returnTo : '/');
    request.session.pendingSignIn = pending;
    request.session.save(() => response.redirect(303, url));
  }

  @Get('callback')
  @OAuthCallbackQuery()
  async callback(@Req() request: Request, @Res() response: Response) {
    const pending = request.session.pendingSignIn;
    if (!pending) return response.redirect(303, '/auth/login');
    let signedIn;
    try {
      const current = new URL(request.originalUrl, this.signIn.callbackUrl);
      signedIn = await this.signIn.complete(current, pending);
    } catch (error) {
      delete request.session.pendingSignIn;
      return response
        .status(401)
        .type('html')
        .send(
          layout(
            'Connexion refusée',
            html`<h2>Connexion refusée</h2>
              <p>${(error as Error).message}</p>
              <p><a href="/auth/login">Se connecter</a></p>`,
          ),
        );
    }
    await this.record('sign-in', signedIn);
    // A new session id at sign-in: a session fixed beforehand by someone else is worth nothing.
    request.session.regenerate((failed) => {
      if (failed) {
        response.status(500).end();
        return;
      }
      request.session.signedIn = signedIn;
      request.session.save(() => response.redirect(303, pending.returnTo));
    });
  }

  /** A form of the console's (CSRF token checked before it gets here). */
  @Post('logout')
  async logout(@Req() request: Request, @Res() response: Response) {
    const person = request.session.signedIn;
    if (person) await this.record('sign-out', person);
    const url = await this.signIn.logoutUrl(person);
    request.session.destroy(() => response.redirect(303, url));
  }
}
