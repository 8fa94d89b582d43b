import { authEnv } from '@sne/auth';
import {
  coreEnv,
  developmentOnly,
  httpPort,
  kafkaEnv,
  loadConfig,
  mongoEnv,
  redisEnv,
} from '@sne/platform';
import { bool, num, str } from 'envalid';
import type { CleanedEnv } from 'envalid';

export const APP_NAME = 'dispatching';

export const dispatchingEnv = {
  ...coreEnv,
  ...authEnv,
  ...httpPort(3002),
  ...kafkaEnv,
  ...mongoEnv,
  ...redisEnv,
  WEBHOOK_TIMEOUT_MS: num({ default: 10_000, desc: 'Time allowed to a guichet endpoint per call' }),
  WEBHOOK_MAX_ATTEMPTS: num({
    default: 30,
    desc: 'Attempts before a delivery becomes a dead letter (30: > 24 h)',
  }),
  WEBHOOK_BACKOFF_BASE_MS: num({ default: 5_000 }),
  WEBHOOK_BACKOFF_CAP_MS: num({ default: 2 * 3600_000 }),
  WEBHOOK_DISABLE_AFTER_DAYS: num({
    default: 3,
    desc: 'Days of failure before an endpoint is disabled',
  }),
  WEBHOOK_SECRET_GRACE_HOURS: num({
    default: 24,
    desc: 'How long the previous secret stays valid after a rotation',
  }),
  WEBHOOK_ALLOW_LOOPBACK_HTTP: developmentOnly(
    bool({
      default: false,
      desc:
        'Development only (refused in production): webhook URLs may be http:// and loopback, for ' +
        'a receiver on this machine; private and metadata addresses stay refused',
    }),
  ),
  DISPATCH_CONCURRENCY: num({
    default: 1,
    desc:
      'Partitions of the event topics dispatched at the same time (order kept per demand); more ' +
      'than 1 is for MongoDB: on the local FerretDB (SQLite backend) 3 stalled the dispatcher ' +
      'in the benchmark, its connection pool exhausted (docs/benchmarks.md)',
  }),
  IDP_REGISTRATION_URL: str({
    default: '',
    desc:
      "The identity provider's client registration endpoint (RFC 7591, …/oidc/reg): each guichet " +
      'gets its machine client there when created; empty: clients are registered by hand',
  }),
  IDP_REGISTRATION_TOKEN: str({
    default: '',
    desc: "The provider's initial access token for that registration (a secret)",
  }),
  MACHINE_CLIENT_RECONCILE_SECONDS: num({
    default: 300,
    desc:
      "How often guichets' clients at the identity provider are reconciled with the guichets " +
      '(those of retired or removed guichets revoked, guichets without one reported); 0: never',
  }),
  SUBSCRIPTION_REFRESH_MS: num({
    default: 5_000,
    desc: 'How often to look for subscription changes made elsewhere',
  }),
};

export type DispatchingConfig = Readonly<CleanedEnv<typeof dispatchingEnv>>;

export function loadDispatchingConfig(env?: Record<string, string | undefined>): DispatchingConfig {
  return loadConfig(APP_NAME, dispatchingEnv, env);
}
