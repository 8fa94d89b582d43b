/** Optimistic concurrency over HTTP: a resource's version is its ETag, `If-Match` names the one edited. */
import { InvalidInputError } from './errors';

/**
 * The version an `If-Match` header names (`"3"`, `W/"3"`), undefined without the header. A
 * malformed header is refused rather than ignored: it would turn a guarded write into a blind one.
 */
export function versionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const version = Number(header.replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isInteger(version) || version < 1) {
    throw new InvalidInputError('invalid If-Match', [
      { path: 'if-match', message: 'must be the version read, e.g. "3" (the ETag)' },
    ]);
  }
  return version;
}

/** The version an `If-Match` header names, refused when the header is missing. */
export function requiredVersionFromIfMatch(header: string | undefined): number {
  const version = versionFromIfMatch(header);
  if (version === undefined)
    throw new InvalidInputError('If-Match required', [
      { path: 'if-match', message: 'the version read, e.g. "3" (the ETag of what is changed)' },
    ]);
  return version;
}

/** The ETag of a versioned resource: its version, the value `If-Match` gives back. */
export function tagVersion(
  response: { setHeader(name: string, value: string): unknown },
  version: number,
): void {
  response.setHeader('ETag', `"${version}"`);
}
