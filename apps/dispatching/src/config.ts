import { coreEnv, httpPort, kafkaEnv, loadConfig, mongoEnv, redisEnv } from '@sne/platform';
import { num } from 'envalid';
import type { CleanedEnv } from 'envalid';

export const APP_NAME = 'dispatching';

export const dispatchingEnv = {
  ...coreEnv,
  ...httpPort(3002),
  ...kafkaEnv,
  ...mongoEnv,
  ...redisEnv,
  SUBSCRIPTION_REFRESH_MS: num({
    default: 5_000,
    desc: 'How often to look for subscription changes made elsewhere',
  }),
};

export type DispatchingConfig = Readonly<CleanedEnv<typeof dispatchingEnv>>;

export function loadDispatchingConfig(env?: Record<string, string | undefined>): DispatchingConfig {
  return loadConfig(APP_NAME, dispatchingEnv, env);
}
