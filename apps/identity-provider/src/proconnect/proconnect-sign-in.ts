import type { Redis } from 'ioredis';
import * as oidc from 'openid-client';
import type { AgentIdentity } from '../accounts';

export interface ProConnectSettings {
  /** ProConnect's issuer, `https://<domain>/api/v2`; empty: no federation. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: string;
  /** The required assurance level, asked for as an essential claim; empty: ProConnect's default. */
  readonly acr: string;
  /** Where the browser reaches this provider: its issuer's origin. */
  readonly publicOrigin: string;
}

/** The URIs declared at ProConnect: exactly these, scheme, host, path and all. */
export const CALLBACK_PATH = '/interaction/proconnect/callback';
export const LOGGED_OUT_PATH = '/interaction/proconnect/logged-out';

/** Why a sign-in through ProConnect ends without a person, in words for the agent. */
export class ProConnectRefusal extends Error {}

/** ProConnect's session lasts 12 hours: its ID token is kept that long for the logout. */
const SESSION_SECONDS = 12 * 3_600;
const PENDING_SECONDS = 600;
/** The ID token is in the registered algorithm (ES256), never HS256 with the secret as key. */
const SIGNING_ALG = 'ES256';

interface Pending {
  readonly uid: string;
  readonly nonce: string;
}

/**
 * This provider as ProConnect's relying party (openid-client): authorization code with `state`
 * and `nonce`, the ID token and the userinfo JWT verified against ProConnect's keys, and the
 * logout passed on to ProConnect. Only the parameters ProConnect documents are sent (it refuses
 * any other). What is pending between the two legs is in Redis, each entry used once.
 */
export class ProConnectSignIn {
  private configuration?: Promise<oidc.Configuration>;

  constructor(
    private readonly settings: ProConnectSettings,
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  get enabled(): boolean {
    return this.settings.issuer !== '';
  }

  private key(kind: string, id: string): string {
    return `${this.prefix}proconnect:${kind}:${id}`;
  }

  private url(path: string): string {
    return new URL(path, this.settings.publicOrigin).href;
  }

  private config(): Promise<oidc.Configuration> {
    const issuer = new URL(this.settings.issuer);
    this.configuration ??= oidc
      .discovery(
        issuer,
        this.settings.clientId,
        {
          id_token_signed_response_alg: SIGNING_ALG,
          userinfo_signed_response_alg: SIGNING_ALG,
        },
        oidc.ClientSecretPost(this.settings.clientSecret),
        {
          // Signatures checked on the ID token and the userinfo JWT, not only their claims.
          execute: [
            oidc.enableNonRepudiationChecks,
            // Configuration refuses plain http except to a loopback stand-in.
            ...(issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : []),
          ],
        },
      )
      .catch((error: unknown) => {
        this.configuration = undefined;
        throw error;
      });
    return this.configuration;
  }

  /** Where to send the browser of the interaction `uid` to sign in at ProConnect. */
  async start(uid: string): Promise<string> {
    const config = await this.config();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    await this.redis.set(
      this.key('pending', state),
      JSON.stringify({ uid, nonce } satisfies Pending),
      'EX',
      PENDING_SECONDS,
    );
    const parameters: Record<string, string> = {
      redirect_uri: this.url(CALLBACK_PATH),
      scope: this.settings.scopes,
      state,
      nonce,
    };
    if (this.settings.acr)
      parameters.claims = JSON.stringify({
        id_token: { acr: { essential: true, value: this.settings.acr } },
      });
    return oidc.buildAuthorizationUrl(config, parameters).href;
  }

  /** The callback as the browser reached it (behind a proxy, too): the redirect_uri is its own. */
  callbackUrl(search: string): URL {
    const url = new URL(CALLBACK_PATH, this.settings.publicOrigin);
    url.search = search;
    return url;
  }

  /**
   * The browser's return from ProConnect: the interaction it belongs to, who signed in, and the
   * ID token (for the logout). The state is taken once: a replayed return finds nothing.
   */
  async complete(
    callback: URL,
  ): Promise<{ readonly uid: string; readonly agent: AgentIdentity; readonly idToken: string }> {
    const state = callback.searchParams.get('state') ?? '';
    const stored = state.length <= 128 ? await this.redis.getdel(this.key('pending', state)) : null;
    if (!stored) throw new ProConnectRefusal('Ce lien de connexion a expiré ou a déjà servi.');
    const pending = JSON.parse(stored) as Pending;
    const config = await this.config();
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, callback, {
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      if (error instanceof oidc.AuthorizationResponseError)
        throw new ProConnectRefusal(`ProConnect n’a pas authentifié la personne (${error.error}).`);
      throw error;
    }
    const claims = tokens.claims();
    if (!claims || !tokens.id_token) throw new ProConnectRefusal('ProConnect n’a pas répondu.');
    if (this.settings.acr && claims.acr !== this.settings.acr)
      throw new ProConnectRefusal('Le niveau de garantie de l’authentification est insuffisant.');
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    const email = typeof userinfo.email === 'string' ? userinfo.email.toLowerCase() : '';
    const siret = typeof userinfo.siret === 'string' ? userinfo.siret : '';
    if (!email || !/^[0-9]{14}$/.test(siret))
      throw new ProConnectRefusal('ProConnect n’a pas donné l’adresse ou le SIRET de la personne.');
    const name = [userinfo.given_name, userinfo.usual_name]
      .filter((part) => typeof part === 'string')
      .join(' ');
    return {
      uid: pending.uid,
      agent: {
        email,
        siret,
        sub: claims.sub,
        idpId: typeof userinfo.idp_id === 'string' ? userinfo.idp_id : '',
        ...(name ? { name } : {}),
      },
      idToken: tokens.id_token,
    };
  }

  /** Keeps who signed in for the interaction's last step, which the interaction cookie opens. */
  async hold(state: string, uid: string, login: string, idToken: string): Promise<void> {
    await this.redis.set(
      this.key('signed-in', state),
      JSON.stringify({ uid, login, idToken }),
      'EX',
      60,
    );
  }

  async take(
    state: string,
    uid: string,
  ): Promise<{ readonly login: string; readonly idToken: string } | undefined> {
    if (state.length > 128) return undefined;
    const stored = await this.redis.getdel(this.key('signed-in', state));
    const held = stored
      ? (JSON.parse(stored) as { uid: string; login: string; idToken: string })
      : undefined;
    return held?.uid === uid ? held : undefined;
  }

  /** The session's grant signed in through ProConnect: its ID token, kept for the logout. */
  async keepForLogout(grantId: string, idToken: string): Promise<void> {
    await this.redis.set(this.key('id-token', grantId), idToken, 'EX', SESSION_SECONDS);
  }

  /**
   * Where a logout ending at `returnTo` goes first when the session came through ProConnect:
   * ProConnect's end of session, which comes back to LOGGED_OUT_PATH, which goes on to `returnTo`.
   */
  async logoutUrl(grantIds: readonly string[], returnTo: string): Promise<string | undefined> {
    for (const grantId of grantIds) {
      const idToken = await this.redis.getdel(this.key('id-token', grantId));
      if (!idToken) continue;
      const state = oidc.randomState();
      await this.redis.set(this.key('logout', state), returnTo, 'EX', PENDING_SECONDS);
      return oidc.buildEndSessionUrl(await this.config(), {
        id_token_hint: idToken,
        state,
        post_logout_redirect_uri: this.url(LOGGED_OUT_PATH),
      }).href;
    }
    return undefined;
  }

  /** Back from ProConnect's end of session: where the logout was going, once. */
  async afterLogout(state: string): Promise<string | undefined> {
    if (state.length > 128) return undefined;
    return (await this.redis.getdel(this.key('logout', state))) ?? undefined;
  }
}
