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
