import { authEnv } from '@sne/auth';
import {
  coreEnv,
  httpPort,
  kafkaEnv,
  loadConfig,
  mongoEnv,
  portalEnv,
  redisEnv,
  smppEnv,
  smtpEnv,
} from '@sne/platform';
import { type CleanedEnv, json, num, str } from 'envalid';

export const APP_NAME = 'renewal-notices';

export const renewalNoticesEnv = {
  ...coreEnv,
  ...authEnv,
  ...httpPort(3003),
  ...kafkaEnv,
  ...mongoEnv,
  ...redisEnv,
  ...smtpEnv,
  ...smppEnv,
  ...portalEnv,
  RENEWAL_SETTINGS: json<Record<string, unknown>>({
    default: {},
    desc: 'Overrides of the renewal calendar (offsets, channels, quiet hours…), JSON; see docs/renewal-notices.md',
  }),
  RENEWAL_SCAN_CRON: str({
    default: '30 8 * * *',
    desc: 'When the daily scan of due notices runs (cron, in the renewal time zone); off: only on demand',
  }),
  NOTICE_ATTEMPTS: num({
    default: 10,
    desc: 'Attempts of a notice whose provider fails (SMTP or SMPP down, refusing) before it is failed',
  }),
  NOTICE_BACKOFF_MS: num({
    default: 60_000,
    desc: 'First retry delay of a failed notice; doubles at each attempt',
  }),
  EMAIL_RATE_PER_SECOND: num({
    default: 50,
    desc: 'Most emails handed to the mail relay per second',
  }),
  SMS_RATE_PER_SECOND: num({
    default: 20,
    desc: 'Most SMS submitted to the SMS centre per second',
  }),
  NOTICE_WORKER_CONCURRENCY: num({ default: 8, desc: 'Notices sent at once per channel' }),
  NOTICE_LOCK_MS: num({
    default: 30_000,
    desc: "How long a worker holds a job without renewing its lock; a crashed worker's jobs are taken over after it",
  }),
};

export type RenewalNoticesConfig = Readonly<CleanedEnv<typeof renewalNoticesEnv>>;

export function loadRenewalNoticesConfig(
  env?: Record<string, string | undefined>,
): RenewalNoticesConfig {
  return loadConfig(APP_NAME, renewalNoticesEnv, env);
}

/** Injection token of the app's `RenewalNoticesConfig`. */
export const RENEWAL_NOTICES_CONFIG = Symbol('RENEWAL_NOTICES_CONFIG');
