import type { MatchDocument, Scalar } from './rule';

/**
 * The values a path designates in a document. Lists are flattened at every step, so
 * `demand.dependants.age` gives every dependant's age; null and undefined are absent.
 */
export function resolvePath(document: MatchDocument, path: readonly string[]): unknown[] {
  let current: unknown[] = [document];
  for (const key of path) {
    const next: unknown[] = [];
    for (const value of current) {
      if (Array.isArray(value)) {
        for (const element of value) pushChild(next, element, key);
      } else {
        pushChild(next, value, key);
      }
    }
    if (next.length === 0) return next;
    current = next;
  }
  const leaves: unknown[] = [];
  for (const value of current) {
    if (Array.isArray(value)) {
      for (const element of value)
        if (element !== null && element !== undefined) leaves.push(element);
    } else {
      leaves.push(value);
    }
  }
  return leaves;
}

function pushChild(into: unknown[], value: unknown, key: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const child = (value as Record<string, unknown>)[key];
  if (child !== null && child !== undefined) into.push(child);
}

export function isScalar(value: unknown): value is Scalar {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

export const splitPath = (field: string): string[] => field.split('.');
