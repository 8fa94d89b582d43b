import { isTransientError, UnavailableError } from './transient-errors';

const named = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error('x'), { name, ...extra });

describe(isTransientError.name, () => {
  it('treats servers out of reach as transient', () => {
    expect(isTransientError(named('MongoServerSelectionError'))).toBe(true);
    expect(isTransientError(named('MongoNetworkError'))).toBe(true);
    expect(isTransientError(named('KafkaJSConnectionError'))).toBe(true);
    expect(isTransientError(named('KafkaJSProtocolError', { retriable: true }))).toBe(true);
    expect(isTransientError(named('KafkaJSNumberOfRetriesExceeded'))).toBe(true);
    expect(isTransientError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    expect(isTransientError(new Error('Connection is closed.'))).toBe(true);
    expect(isTransientError(new UnavailableError('later'))).toBe(true);
  });

  it('looks through wrapped causes', () => {
    const cause = named('KafkaJSConnectionError');
    expect(isTransientError(named('KafkaJSNonRetriableError', { cause }))).toBe(true);
    expect(isTransientError(new Error('wrapped', { cause }))).toBe(true);
  });

  it('treats a wrong message or a bug as not transient', () => {
    expect(
      isTransientError(new TypeError("Cannot read properties of undefined (reading 'x')")),
    ).toBe(false);
    expect(isTransientError(named('KafkaJSProtocolError', { retriable: false }))).toBe(false);
    expect(isTransientError(named('ValidationError'))).toBe(false);
    expect(isTransientError('a string')).toBe(false);
    expect(isTransientError(undefined)).toBe(false);
  });
});
