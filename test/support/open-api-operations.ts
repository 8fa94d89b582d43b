import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export interface OpenApiOperation {
  /** The app, as its OpenAPI file in docs/openapi/ is named. */
  readonly app: string;
  readonly method: string;
  /** As documented: `/demands/{numeroUnique}`. */
  readonly path: string;
  /** `registration GET /demands/{numeroUnique}`. */
  readonly key: string;
  /** The query parameters it declares. */
  readonly query: readonly string[];
  /** No security requirement: health, metrics, a public key. */
  readonly public: boolean;
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { security?: unknown[]; parameters?: Array<{ in: string; name: string }> }>
  >;
}

/** Every operation of an app's committed OpenAPI file: what the tests of the edge walk through. */
export function openApiOperations(app: string): OpenApiOperation[] {
  const document = parse(
    readFileSync(join(__dirname, '..', '..', 'docs', 'openapi', `${app}.yaml`), 'utf8'),
  ) as OpenApiDocument;
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    METHODS.filter((method) => method in operations).map((method) => ({
      app,
      method: method.toUpperCase(),
      path,
      key: `${app} ${method.toUpperCase()} ${path}`,
      query: (operations[method].parameters ?? [])
        .filter((parameter) => parameter.in === 'query')
        .map((parameter) => parameter.name),
      public: !operations[method].security,
    })),
  );
}

/** The path with each `{parameter}` replaced by a value of `values` (or `fallback`). */
export function filledPath(
  path: string,
  values: Readonly<Record<string, string>> = {},
  fallback?: string,
): string {
  return path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value = values[name] ?? fallback;
    if (value === undefined) throw new Error(`no value for {${name}} in ${path}`);
    return encodeURIComponent(value);
  });
}
