import { InvalidInputError } from '@sne/platform';

/**
 * Where a guichet is in its feed: for each partition of its delivery log, the last offset it has
 * received (-1: nothing yet). Opaque to the guichet (base64url JSON), stable across instances.
 */
export type FeedCursor = ReadonlyMap<number, number>;

export const START: FeedCursor = new Map();

export function encodeCursor(cursor: FeedCursor): string {
  const offsets = Object.fromEntries([...cursor].sort(([a], [b]) => a - b));
  return Buffer.from(JSON.stringify({ v: 1, o: offsets }), 'utf8').toString('base64url');
}

export function decodeCursor(text: string | undefined): FeedCursor {
  if (text === undefined || text === '') return START;
  const invalid = () =>
    new InvalidInputError('invalid cursor', [
      { path: 'cursor', message: 'use a nextCursor returned by this feed' },
    ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const offsets = (parsed as { v?: unknown; o?: unknown } | null)?.o;
  if (
    (parsed as { v?: unknown }).v !== 1 ||
    !offsets ||
    typeof offsets !== 'object' ||
    Array.isArray(offsets)
  ) {
    throw invalid();
  }
  const cursor = new Map<number, number>();
  for (const [partition, offset] of Object.entries(offsets as Record<string, unknown>)) {
    const p = Number(partition);
    if (
      !Number.isInteger(p) ||
      p < 0 ||
      p > 1_000 ||
      typeof offset !== 'number' ||
      !Number.isInteger(offset) ||
      offset < -1
    ) {
      throw invalid();
    }
    cursor.set(p, offset);
  }
  return cursor;
}
