import { authEnv } from '@sne/auth';
import { coreEnv, httpPort, kafkaEnv, loadConfig, mongoEnv } from '@sne/platform';
import { type CleanedEnv, num } from 'envalid';

export const APP_NAME = 'registration';

export const registrationEnv = {
  ...coreEnv,
  ...authEnv,
  ...httpPort(3001),
  ...kafkaEnv,
  ...mongoEnv,
  OUTBOX_SWEEP_MS: num({
    default: 60_000,
    desc: 'How often the relay looks for demand events a crash left unpublished',
  }),
};

export type RegistrationConfig = Readonly<CleanedEnv<typeof registrationEnv>>;

export function loadRegistrationConfig(
  env?: Record<string, string | undefined>,
): RegistrationConfig {
  return loadConfig(APP_NAME, registrationEnv, env);
}
