const DEVELOPMENT_ONLY = Symbol('developmentOnly');

/**
 * Marks a setting as a development convenience: `loadConfig` refuses it, when turned on, with
 * NODE_ENV=production. Wraps an envalid spec (`developmentOnly(bool({ default: false }))`).
 */
export function developmentOnly<S extends object>(spec: S): S {
  return Object.assign(spec, { [DEVELOPMENT_ONLY]: true });
}

/** The development-only settings turned on in this configuration. */
export function developmentOnlyInUse(spec: object, config: object): string[] {
  return Object.entries(spec)
    .filter(([, entry]) => (entry as Record<symbol, unknown>)[DEVELOPMENT_ONLY] === true)
    .map(([variable]) => variable)
    .filter((variable) => Boolean((config as Record<string, unknown>)[variable]));
}
