import { apiAudience } from '@sne/auth';
import { html, type Html } from '@sne/platform';
import type { Request, Response } from 'express';
import type Provider from 'oidc-provider';
import { OIDC_SCOPES, PLATFORM_APIS } from './provider';

export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // No script, no style from elsewhere, never framed (clickjacking of the sign-in form).
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

export function page(body: Html): string {
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

/** A page of the sign-in in answer to a browser. */
export function sendPage(response: Response, status: number, body: Html): void {
  response.status(status).set(PAGE_HEADERS).send(page(body));
}

/**
 * Ends a sign-in interaction with the person's grant: the scopes asked for, and every API of the
 * platform as resource (the console is first-party: consent comes with the sign-in). The grant's
 * id is what the session's authorisation is known by afterwards.
 */
export async function finishSignIn(
  provider: Provider,
  request: Request,
  response: Response,
  accountId: string,
  params: Record<string, unknown>,
  signedIn: boolean,
): Promise<string> {
  const grant = new provider.Grant({ accountId, clientId: String(params.client_id) });
  const scopes = (typeof params.scope === 'string' ? params.scope : '')
    .split(' ')
    .filter((scope) => OIDC_SCOPES.includes(scope));
  grant.addOIDCScope(scopes.join(' '));
  for (const api of PLATFORM_APIS) grant.addResourceScope(apiAudience(api), 'api');
  const grantId = await grant.save();
  await provider.interactionFinished(
    request,
    response,
    { ...(signedIn ? { login: { accountId } } : {}), consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
  return grantId;
}
