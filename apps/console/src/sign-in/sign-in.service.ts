import { Inject, Injectable } from '@nestjs/common';
import { apiAudience, type OperatorRole, type Territory } from '@sne/auth';
import { UnauthenticatedError } from '@sne/platform';
import type { Request } from 'express';
import * as oidc from 'openid-client';
import type { PendingSignIn, SignedIn } from './signed-in-session';

export interface SignInSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Where the console is reached from the browser: the callback and logout return there. */
  readonly publicUrl: string;
  /** The APIs the console calls, each asked for as a resource (RFC 8707). */
  readonly apis: readonly string[];
}

export const SIGN_IN_SETTINGS = Symbol('SIGN_IN_SETTINGS');
const REFRESH_MARGIN_MS = 30_000;

/**
 * The console as an OpenID Connect relying party (openid-client): authorization code with PKCE,
 * state and nonce at the identity provider; then one access token per API, refreshed as they
 * expire. The console holds no token of its own.
 */
@Injectable()
export class SignInService {
  private configuration?: Promise<oidc.Configuration>;

  constructor(@Inject(SIGN_IN_SETTINGS) private readonly settings: SignInSettings) {}

  get callbackUrl(): string {
    return new URL('/auth/callback', this.settings.publicUrl).href;
  }

  get providerOrigin(): string {
    return new URL(this.settings.issuer).origin;
  }

  private config(): Promise<oidc.Configuration> {
    this.configuration ??= oidc
      .discovery(
        new URL(this.settings.issuer),
        this.settings.clientId,
        { id_token_signed_response_alg: 'ES256' },
        oidc.ClientSecretBasic(this.settings.clientSecret),
        new URL(this.settings.issuer).protocol === 'http:'
          ? { execute: [oidc.allowInsecureRequests] }
          : undefined,
      )
      .catch((error: unknown) => {
        this.configuration = undefined;
        throw error;
      });
    return this.configuration;
  }

  /** Where to send the browser to sign in, and what to remember until it comes back. */
  async start(returnTo: string): Promise<{ url: string; pending: PendingSignIn }> {
    const config = await this.config();
    const pending: PendingSignIn = {
      state: oidc.randomState(),
      verifier: oidc.randomPKCECodeVerifier(),
      nonce: oidc.randomNonce(),
      returnTo: returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/',
    };
    const parameters = new URLSearchParams({
      redirect_uri: this.callbackUrl,
      scope: 'openid profile offline_access',
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
      prompt: 'consent',
    });
    for (const api of this.settings.apis) parameters.append('resource', apiAudience(api));
    return { url: oidc.buildAuthorizationUrl(config, parameters).href, pending };
  }

  /** The browser's return with a code: the person, and a token for each API. */
  async complete(currentUrl: URL, pending: PendingSignIn): Promise<SignedIn> {
    const config = await this.config();
    const [first, ...others] = this.settings.apis;
    const tokens = await oidc.authorizationCodeGrant(
      config,
      currentUrl,
      {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
      },
      { resource: apiAudience(first) },
    );
    if (!tokens.refresh_token) throw new UnauthenticatedError('the provider gave no refresh token');
    const claims = accessTokenClaims(tokens.access_token);
    const idClaims = tokens.claims();
    const signedIn: SignedIn = {
      sub: String(idClaims?.sub ?? claims.sub),
      ...(typeof idClaims?.name === 'string' ? { name: idClaims.name } : {}),
      roles: claims.sne_roles as OperatorRole[],
      territory: claims.sne_territory as Territory,
      ...(tokens.id_token ? { idToken: tokens.id_token } : {}),
      refreshToken: tokens.refresh_token,
      tokens: { [first]: { token: tokens.access_token, expiresAt: expiryOf(tokens) } },
    };
    for (const api of others) await this.refresh(signedIn, api);
    return signedIn;
  }

  /** The person's token for `api`, refreshed when it is about to expire. */
  async tokenFor(request: Request, api: string): Promise<string> {
    const signedIn = request.session?.signedIn;
    if (!signedIn) throw new UnauthenticatedError('sign in first');
    const held = signedIn.tokens[api];
    if (held && held.expiresAt - REFRESH_MARGIN_MS > Date.now()) return held.token;
    try {
      return await this.refresh(signedIn, api);
    } catch (error) {
      // The grant was revoked or has expired: the person signs in again.
      delete request.session.signedIn;
      throw new UnauthenticatedError(`sign in again (${(error as Error).message})`);
    }
  }

  private async refresh(signedIn: SignedIn, api: string): Promise<string> {
    const tokens = await oidc.refreshTokenGrant(await this.config(), signedIn.refreshToken, {
      resource: apiAudience(api),
    });
    signedIn.tokens[api] = { token: tokens.access_token, expiresAt: expiryOf(tokens) };
    return tokens.access_token;
  }

  /** The provider's logout, which comes back to the console's home page. */
  async logoutUrl(signedIn: SignedIn | undefined): Promise<string> {
    const config = await this.config();
    return oidc.buildEndSessionUrl(config, {
      post_logout_redirect_uri: new URL('/', this.settings.publicUrl).href,
      ...(signedIn?.idToken ? { id_token_hint: signedIn.idToken } : {}),
    }).href;
  }
}

const expiryOf = (tokens: { expiresIn(): number | undefined }) =>
  Date.now() + (tokens.expiresIn() ?? 60) * 1_000;

/** The claims of a token the provider just gave over the back channel (no need to verify it). */
function accessTokenClaims(token: string): Record<string, unknown> {
  const claims = JSON.parse(
    Buffer.from(token.split('.')[1] ?? '', 'base64url').toString(),
  ) as Record<string, unknown>;
  if (!Array.isArray(claims.sne_roles) || claims.sne_roles.length === 0 || !claims.sne_territory)
    throw new UnauthenticatedError('this account has no role or territory in the register');
  return claims;
}
