import type { Model } from 'mongoose';

/** MongoDB's duplicate-key error (E11000), also raised by FerretDB for a unique index. */
export function isDuplicateKeyError(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000
  );
}

/**
 * Whether a bulk write failed on duplicate keys alone (documents already there), whichever shape
 * the driver gives its failures (`writeErrors[].code` or `writeErrors[].err.code`).
 */
export function isOnlyDuplicateKeyErrors(error: unknown): boolean {
  const failures = (error as { writeErrors?: unknown } | null)?.writeErrors;
  if (!Array.isArray(failures)) return isDuplicateKeyError(error);
  return failures.every(
    (failure) =>
      isDuplicateKeyError(failure) || isDuplicateKeyError((failure as { err?: unknown }).err),
  );
}

/**
 * Inserts documents keyed by `_id` in one unordered bulk write; those whose `_id` is already there
 * are skipped (a redelivery, a claim already taken). Any other failure is thrown.
 */
export async function insertAbsent<T>(
  model: Model<T>,
  documents: readonly unknown[],
): Promise<void> {
  if (documents.length === 0) return;
  try {
    await model.insertMany(documents as T[], { ordered: false, lean: true });
  } catch (error) {
    if (!isOnlyDuplicateKeyErrors(error)) throw error;
  }
}
