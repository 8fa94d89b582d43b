/** Injection token of the app's oidc-provider instance. */
export const OIDC_PROVIDER = Symbol('OIDC_PROVIDER');
