import type { BackoffPolicy } from '@sne/webhooks';
import type { DispatchingConfig } from '../config';

export interface WebhookSettings {
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  readonly disableAfterMs: number;
  readonly secretGraceMs: number;
  /** The development setting: http:// and loopback endpoints. */
  readonly allowLoopbackHttp: boolean;
}

export const WEBHOOK_SETTINGS = Symbol('WEBHOOK_SETTINGS');

export function webhookSettingsFrom(config: DispatchingConfig): WebhookSettings {
  return {
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    backoff: { baseMs: config.WEBHOOK_BACKOFF_BASE_MS, capMs: config.WEBHOOK_BACKOFF_CAP_MS },
    disableAfterMs: config.WEBHOOK_DISABLE_AFTER_DAYS * 24 * 3600_000,
    secretGraceMs: config.WEBHOOK_SECRET_GRACE_HOURS * 3600_000,
    allowLoopbackHttp: config.WEBHOOK_ALLOW_LOOPBACK_HTTP,
  };
}
