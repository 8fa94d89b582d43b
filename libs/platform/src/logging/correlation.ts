import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The correlation id follows one request from the HTTP API through Kafka headers and BullMQ job
 * data into every log line. It lives in AsyncLocalStorage so that no function has to pass it on.
 */
export const CORRELATION_HEADER = 'x-correlation-id';

interface CorrelationContext {
  readonly correlationId: string;
}

const storage = new AsyncLocalStorage<CorrelationContext>();

const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/** A caller's id when it is well-formed, else a new one (a header is outside input). */
export function normalizeCorrelationId(input: unknown): string {
  return typeof input === 'string' && ACCEPTABLE.test(input) ? input : randomUUID();
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

export function withCorrelationId<T>(correlationId: string, fn: () => T): T {
  return storage.run({ correlationId }, fn);
}
