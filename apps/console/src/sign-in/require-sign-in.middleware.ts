import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { ErrorBody } from '@sne/platform';
import type { NextFunction, Request, Response } from 'express';
import { currentRequest } from './signed-in-session';

/**
 * Every page and call of the console but sign-in, health and metrics needs a signed-in person
 * (deny by default: the routes left open are listed where this is applied). A browser is sent to
 * sign in; anything else is told 401.
 */
@Injectable()
export class RequireSignInMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: NextFunction): void {
    if (!request.session?.signedIn) {
      if (request.method === 'GET' && (request.headers.accept ?? '').includes('text/html')) {
        const returnTo = encodeURIComponent(request.originalUrl);
        response.redirect(303, `/auth/login?returnTo=${returnTo}`);
        return;
      }
      const body: ErrorBody = {
        error: { code: 'unauthenticated', message: 'sign in to the console first: /auth/login' },
      };
      response.status(401).json(body);
      return;
    }
    currentRequest.run(request, next);
  }
}
