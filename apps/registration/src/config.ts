import { authEnv } from '@sne/auth';
import { GUICHET_CODE } from '@sne/contracts';
import { coreEnv, httpPort, kafkaEnv, loadConfig, mongoEnv } from '@sne/platform';
import { type CleanedEnv, makeValidator, num, str } from 'envalid';

export const APP_NAME = 'registration';

const guichetCode = makeValidator<string>((input) => {
  if (!GUICHET_CODE.test(input)) throw new Error('5 digits or capital letters');
  return input;
});

export const registrationEnv = {
  ...coreEnv,
  ...authEnv,
  ...httpPort(3001),
  ...kafkaEnv,
  ...mongoEnv,
  CERTIFICATE_SIGNING_KEY: str({
    // A key for the local platform only; production sets its own (and publishes the public half).
    devDefault:
      'LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1DNENBUUF3QlFZREsyVndCQ0lFSURNUXJ3eFNia1QyWmQySFZvczFNdVZqbEkwdUQrTFlxdHcrSVFJMlhRdzcKLS0tLS1FTkQgUFJJVkFURSBLRVktLS0tLQo=',
    desc: 'Ed25519 private key (PKCS#8 PEM, base64) signing the QR codes of certificates',
  }),
  PORTAL_GUICHET_CODE: guichetCode({
    default: 'WEB00',
    desc: 'The guichet code of the public portal (5 characters): it creates and renews demands online',
  }),
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
