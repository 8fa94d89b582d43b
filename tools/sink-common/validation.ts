/** Validation of the partial control objects sent with PUT /control. */

export type FieldRule =
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'integer'; readonly min: number; readonly max: number };

export type Rules = Readonly<Record<string, FieldRule>>;

type ValueOf<R extends FieldRule> = R extends { kind: 'enum'; values: readonly (infer V)[] }
  ? V
  : number;

export type PatchOf<S extends Rules> = { -readonly [K in keyof S]?: ValueOf<S[K]> };

export type ParseResult<T> = { ok: true; value: T } | { ok: false; details: string[] };

export function parsePatch<S extends Rules>(body: unknown, rules: S): ParseResult<PatchOf<S>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, details: ['the body must be a JSON object'] };
  }
  const details: string[] = [];
  const value: Record<string, string | number> = {};
  for (const [key, raw] of Object.entries(body)) {
    const rule = rules[key];
    if (rule === undefined) {
      details.push(`${key}: unknown field (allowed: ${Object.keys(rules).join(', ')})`);
    } else if (rule.kind === 'enum') {
      if (typeof raw === 'string' && rule.values.includes(raw)) value[key] = raw;
      else details.push(`${key}: must be one of ${rule.values.join(', ')}`);
    } else if (
      typeof raw === 'number' &&
      Number.isInteger(raw) &&
      raw >= rule.min &&
      raw <= rule.max
    ) {
      value[key] = raw;
    } else {
      details.push(`${key}: must be an integer from ${rule.min} to ${rule.max}`);
    }
  }
  // Each key was checked against its rule above, which is what PatchOf<S> states.
  return details.length > 0 ? { ok: false, details } : { ok: true, value: value as PatchOf<S> };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
