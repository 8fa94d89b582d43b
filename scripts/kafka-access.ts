/**
 * The services' principals on the local broker: a SCRAM user per app with its ACLs (derived
 * from the topic table, libs/kafka kafka-access.ts), passwords made once per run directory and
 * kept owner-only in `$KAFKA_PRINCIPALS_FILE`. Runs as the broker's admin (KAFKA_SASL_* of the
 * environment, as bin/sne sets them). Production declares the same users and ACLs in its
 * platform (deploy/k8s, KafkaUser) and never uses this file.
 *
 *   node dist/scripts/kafka-access.js ensure-services    users and ACLs of every service
 *   node dist/scripts/kafka-access.js password <app>     the app's password, for deploy/local/apps.sh
 *   node dist/scripts/kafka-access.js acls [<principal prefix>]   the ACLs the broker holds
 */
import type { AppName } from '@sne/contracts';
import { KAFKA_SERVICES, KafkaAccessAdmin, kafkaSettingsFrom } from '@sne/kafka';
import { kafkaEnv, loadConfig } from '@sne/platform';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const principalsFile = () =>
  process.env.KAFKA_PRINCIPALS_FILE ??
  join(process.env.SNE_RUN_DIR ?? join(process.cwd(), '.run'), 'kafka', 'principals.json');

/** Each service's password, made on first use. */
export function servicePasswords(): Record<AppName, string> {
  const file = principalsFile();
  const known: Partial<Record<AppName, string>> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<AppName, string>>)
    : {};
  const all = Object.fromEntries(
    KAFKA_SERVICES.map((app) => [app, known[app] ?? randomBytes(24).toString('base64url')]),
  ) as Record<AppName, string>;
  if (KAFKA_SERVICES.some((app) => !known[app])) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(all, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return all;
}

async function main(): Promise<void> {
  const [command, argument] = process.argv.slice(2);
  if (command === 'password') {
    const password = servicePasswords()[argument as AppName];
    if (!password)
      throw new Error(`no Kafka principal for "${argument}" (${KAFKA_SERVICES.join(', ')})`);
    process.stdout.write(password);
    return;
  }
  const config = loadConfig('kafka-access', kafkaEnv);
  const admin = new KafkaAccessAdmin(kafkaSettingsFrom(config, 'kafka-access'));
  try {
    if (command === 'ensure-services') {
      const passwords = servicePasswords();
      for (const app of KAFKA_SERVICES)
        await admin.provisionService(app, passwords[app], config.TOPIC_PREFIX);
      process.stdout.write(
        `kafka principals: ${KAFKA_SERVICES.map((app) => `sne-${app}`).join(', ')}\n`,
      );
    } else if (command === 'acls') {
      for (const acl of await admin.aclsOf(argument ?? 'User:'))
        process.stdout.write(
          `${acl.principal} ${acl.operation} ${acl.resourceType} ${acl.pattern} ${acl.resourceName}\n`,
        );
    } else {
      throw new Error(
        'usage: kafka-access ensure-services | password <app> | acls [<principal prefix>]',
      );
    }
  } finally {
    await admin.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`kafka-access failed: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
