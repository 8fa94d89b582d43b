import { currentCorrelationId, normalizeCorrelationId, withCorrelationId } from './correlation';

describe('correlation id', () => {
  it('keeps a well-formed id from the caller', () => {
    expect(normalizeCorrelationId('req-2026.11:42')).toBe('req-2026.11:42');
  });

  it('replaces a missing or malformed id with a new UUID', () => {
    for (const input of [undefined, '', 'a b', 'x'.repeat(129), ['a']]) {
      expect(normalizeCorrelationId(input)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('is visible to everything called inside withCorrelationId, including after an await', async () => {
    expect(currentCorrelationId()).toBeUndefined();
    const seen = await withCorrelationId('abc', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return currentCorrelationId();
    });
    expect(seen).toBe('abc');
    expect(currentCorrelationId()).toBeUndefined();
  });
});
