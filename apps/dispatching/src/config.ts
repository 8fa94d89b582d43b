import { coreEnv, httpPort, kafkaEnv, loadConfig, mongoEnv, redisEnv } from '@sne/platform';
import type { CleanedEnv } from 'envalid';

export const APP_NAME = 'dispatching';

export const dispatchingEnv = {
  ...coreEnv,
  ...httpPort(3002),
  ...kafkaEnv,
  ...mongoEnv,
  ...redisEnv,
};

export type DispatchingConfig = Readonly<CleanedEnv<typeof dispatchingEnv>>;

export function loadDispatchingConfig(env?: Record<string, string | undefined>): DispatchingConfig {
  return loadConfig(APP_NAME, dispatchingEnv, env);
}
