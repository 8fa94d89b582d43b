/**
 * Creates the platform's topics (libs/contracts TOPIC_SPECS) on the configured Kafka, leaving
 * existing ones alone. Run by `bin/sne up`; production creates them as Strimzi KafkaTopic
 * resources (deploy/k8s).
 */
import { TOPIC_SPECS } from '@sne/contracts';
import { TopicAdmin, kafkaSettingsFrom, toKafkaConfig } from '@sne/kafka';
import { kafkaEnv, loadConfig } from '@sne/platform';
import { Kafka, logLevel } from 'kafkajs';

async function main(): Promise<void> {
  const config = loadConfig('ensure-topics', kafkaEnv);
  const settings = kafkaSettingsFrom(config, 'ensure-topics');
  const kafka = new Kafka({ ...toKafkaConfig(settings, undefined), logLevel: logLevel.NOTHING });
  const admin = new TopicAdmin(kafka, settings);
  try {
    const created = await admin.ensureTopics(TOPIC_SPECS);
    process.stdout.write(
      created.length > 0 ? `topics created: ${created.join(', ')}\n` : 'topics: all present\n',
    );
  } finally {
    await admin.onModuleDestroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`ensure-topics failed: ${(error as Error).message}\n`);
  process.exit(1);
});
