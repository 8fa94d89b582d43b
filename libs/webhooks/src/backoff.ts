/**
 * Retry schedule of webhook deliveries: exponential from `baseMs`, capped at `capMs`, with
 * jitter drawing each delay between 75% and 100% of its nominal value (receivers recovering
 * from an outage are not hit by every sender at once).
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

export function retryDelay(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(policy.baseMs * 2 ** Math.max(0, attempt - 1), policy.capMs);
  return Math.round(nominal * (0.75 + 0.25 * random()));
}

/** The shortest time a delivery is retried for before it becomes a dead letter. */
export function minimumRetrySpanMs(policy: BackoffPolicy, attempts: number): number {
  let total = 0;
  for (let attempt = 1; attempt < attempts; attempt++)
    total += retryDelay(policy, attempt, () => 0);
  return total;
}
