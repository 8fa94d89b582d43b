import { hostPort, isListening, testStack } from './stack';

/**
 * Integration and end-to-end tests run against the real servers; this fails fast, naming the
 * missing ones, instead of letting every test time out.
 */
export default async function globalSetup(): Promise<void> {
  const stack = testStack();
  const servers: Array<[string, string]> = [
    ['Kafka', stack.kafkaBrokers[0] ?? ''],
    ['MongoDB protocol (FerretDB)', stack.mongoUri],
    ['S3 (VersityGW)', stack.s3.endpoint],
    ['Redis', stack.redisUrl],
    ['SMTP sink', stack.smtpUrl],
    ['SMPP sink', stack.smppUrl],
  ];
  const down: string[] = [];
  for (const [name, address] of servers) {
    const { host, port } = hostPort(address);
    if (!(await isListening(host, port))) down.push(`${name} at ${host}:${port}`);
  }
  if (down.length > 0) {
    throw new Error(
      `The local stack is not running: ${down.join(', ')}.\n` +
        'Run the tests with `bin/sne test`, or start the servers with `deploy/local/infra.sh start`.',
    );
  }
}
