import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { ProConnectSignIn } from './proconnect-sign-in';

/**
 * A person who signs out of the register ends their ProConnect session too; otherwise ProConnect
 * (12 hours) would sign them straight back in. When this provider's session ends for good (the
 * person confirmed, `logout=yes`), and one of its grants came through ProConnect, the browser goes
 * to ProConnect's end of session first, then where the logout was going.
 */
export function chainProConnectLogout(provider: Provider, proconnect: ProConnectSignIn): void {
  provider.use(async (ctx, next) => {
    await next();
    const { oidc } = ctx as Partial<KoaContextWithOIDC>;
    if (oidc?.route !== 'end_session_confirm' || !oidc.params?.logout) return;
    const returnTo = ctx.response.get('location');
    if (!returnTo || ctx.status < 300 || ctx.status >= 400) return;
    const authorizations = (oidc.session?.authorizations ?? {}) as Record<
      string,
      { grantId?: unknown }
    >;
    const grantIds = Object.values(authorizations)
      .map((authorization) => authorization.grantId)
      .filter((grantId): grantId is string => typeof grantId === 'string');
    const upstream = await proconnect.logoutUrl(grantIds, returnTo);
    if (upstream) ctx.redirect(upstream);
  });
}
