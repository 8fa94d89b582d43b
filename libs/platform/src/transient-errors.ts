/**
 * Errors that say a server is out of reach for now (Kafka, MongoDB, Redis), not that the work is
 * wrong: retrying later succeeds. Consumers retry these without limit instead of dead-lettering a
 * good message because its broker was restarting.
 */
const TRANSIENT_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
  'MaxRetriesPerRequestError',
]);

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/** An explicit "try again later" a handler can throw. */
export class UnavailableError extends Error {
  override readonly name = 'UnavailableError';
}

export function isTransientError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { name, code, retriable, cause, originalError } = error as {
    name?: unknown;
    code?: unknown;
    retriable?: unknown;
    cause?: unknown;
    originalError?: unknown;
  };
  if (error instanceof UnavailableError) return true;
  if (typeof name === 'string') {
    if (TRANSIENT_NAMES.has(name)) return true;
    // kafkajs marks what its own retries could have fixed; after they ran out it wraps the last one.
    if (
      name.startsWith('KafkaJS') &&
      (retriable === true || name === 'KafkaJSNumberOfRetriesExceeded')
    )
      return true;
    if (name === 'KafkaJSConnectionError' || name === 'KafkaJSRequestTimeoutError') return true;
  }
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  if (error instanceof Error && /Connection is closed|Stream isn't writeable/.test(error.message))
    return true;
  return isTransientError(cause, depth + 1) || isTransientError(originalError, depth + 1);
}
