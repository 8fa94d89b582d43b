import type { INestApplication } from '@nestjs/common';
import type { CloudEvent, GuichetDelivery } from '@sne/contracts';
import { guichetAcls, KafkaAccessAdmin } from '@sne/kafka';
import {
  guichetAuth,
  isolate,
  kafkaServiceEnv,
  operatorAuth,
  TestKafka,
  testKafkaSettings,
  testStack,
  waitFor,
} from '@sne/testing';
import { spawn } from 'node:child_process';
import { GuichetKafkaAccess } from '../apps/dispatching/src/kafka-access/guichet-kafka-access';
import {
  createGuichets,
  type JsonClient,
  numeroUniqueOf,
  publishParisAndMoselle,
  startDispatching,
} from './support/dispatching-app';

interface Credentials {
  mechanism: string;
  username: string;
  password: string;
  topic: string;
  consumerGroup: string;
}

/** kcat (librdkafka) as a guichet's software would connect: its output, its error, its exit code. */
function kcat(
  credentials: Pick<Credentials, 'username' | 'password'>,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const broker = testStack().kafkaBrokers[0];
  return new Promise((resolve, reject) => {
    // deploy/local/install.sh gives kcat a librdkafka that Kafka 4 accepts.
    const child = spawn(
      process.env.SNE_KCAT ?? 'kcat',
      [
        '-b',
        broker,
        '-X',
        'security.protocol=SASL_PLAINTEXT',
        '-X',
        'sasl.mechanisms=SCRAM-SHA-512',
        '-X',
        `sasl.username=${credentials.username}`,
        '-X',
        `sasl.password=${credentials.password}`,
        ...args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Reads a topic from its beginning to its end, in a consumer group, one message per line. */
const readTopic = (credentials: Credentials, topic: string, group: string) =>
  kcat(credentials, ['-G', group, '-o', 'beginning', '-e', '-q', '-f', '%s\n', topic]);

/**
 * Each guichet's delivery log is readable by that guichet's principal only: a Paris guichet's
 * software, connected with kcat and its own SCRAM credentials, reads its own log and is refused
 * Moselle's (topic and consumer group). The dispatcher runs as its own principal, with the ACLs
 * production gives it, and sets the guichets' ACLs itself.
 */
describe('Kafka access of guichets', () => {
  const isolation = isolate('kafka-access');
  const kafka = new TestKafka(isolation.topicPrefix);
  const admin = new KafkaAccessAdmin(testKafkaSettings('kafka-access-test', isolation.topicPrefix));
  let app: INestApplication;
  let client: JsonClient;
  let paris: CloudEvent[];
  let moselle: CloudEvent[];
  const credentials: Record<string, Credentials> = {};
  /** A principal's ACLs on this file's resources (other test files share the broker). */
  const aclsOf = async (principal: string) =>
    (await admin.aclsOfPrincipal(principal)).filter((acl) =>
      acl.resourceName.startsWith(isolation.topicPrefix),
    );
  const numeros = (events: CloudEvent[]) => events.map(numeroUniqueOf);
  const numerosIn = (lines: string) =>
    lines
      .split('\n')
      .filter(Boolean)
      .map((line) => numeroUniqueOf((JSON.parse(line) as GuichetDelivery).event));

  const start = async () => {
    ({ app, client } = await startDispatching(
      isolation,
      await kafkaServiceEnv('dispatching', isolation),
    ));
  };

  beforeAll(async () => {
    await kafka.createPlatformTopics();
    await start();
    await createGuichets(client, [
      { code: 'KP751', departments: ['075'] },
      { code: 'KM571', departments: ['057'] },
      { code: 'KF571', departments: ['057'], kafka: false, subscribed: false },
    ]);
    ({ paris, moselle } = await publishParisAndMoselle(kafka, 4));
    for (const [code, departments] of [
      ['KP751', ['075']],
      ['KM571', ['057']],
    ] as const) {
      const issued = await client(
        'POST',
        `/guichets/${code}/kafka/credentials`,
        undefined,
        guichetAuth(code, departments),
      );
      expect(issued.status).toBe(201);
      credentials[code] = issued.body as Credentials;
    }
    // Every demand has reached its guichet's log before anyone reads.
    await waitFor(
      async () => {
        const lag = await client('GET', '/lag', undefined, operatorAuth());
        return (
          lag.status === 200 &&
          (lag.body.dispatcher as Array<{ lag: number }>).every((entry) => entry.lag === 0)
        );
      },
      { description: 'the dispatcher caught up', timeoutMs: 60_000 },
    );
  });

  afterAll(async () => {
    await app?.close();
    await admin.close();
    await kafka.cleanup();
  });

  it('gives a guichet credentials for its own log only, shown once', () => {
    const own = credentials.KP751;
    expect(own).toEqual({
      mechanism: 'SCRAM-SHA-512',
      username: 'guichet-KP751',
      password: expect.stringMatching(/^[\w-]{32}$/),
      topic: kafka.topic('sne.guichet.KP751.deliveries.v1'),
      consumerGroup: kafka.topic('sne.guichet.KP751'),
    });
  });

  it('lets a guichet read its own log with kcat, in its own consumer group', async () => {
    const own = credentials.KP751;
    const read = await waitFor(
      async () => {
        const result = await readTopic(own, own.topic, own.consumerGroup);
        return numerosIn(result.stdout).length >= paris.length && result;
      },
      { description: "Paris's log read by kcat", timeoutMs: 60_000 },
    );
    expect(numerosIn(read.stdout).sort()).toEqual(numeros(paris).sort());
  });

  it("refuses a guichet another guichet's topic and consumer group", async () => {
    const paris = credentials.KP751;
    const moselleLog = credentials.KM571;
    const topic = await readTopic(paris, moselleLog.topic, paris.consumerGroup);
    expect(topic.stdout).toBe('');
    expect(topic.stderr).toMatch(/Topic authorization failed|TOPIC_AUTHORIZATION_FAILED/i);
    const group = await readTopic(paris, paris.topic, moselleLog.consumerGroup);
    expect(group.stdout).toBe('');
    expect(group.stderr).toMatch(/Group authorization failed|GROUP_AUTHORIZATION_FAILED/i);
    // Not even the list of the broker's topics shows Moselle's log.
    const metadata = await kcat(paris, ['-L', '-J']);
    expect(metadata.stdout).toContain(paris.topic);
    expect(metadata.stdout).not.toContain(moselleLog.topic);
  });

  it('refuses credentials for another guichet, or for a guichet without the Kafka channel', async () => {
    const other = await client(
      'POST',
      '/guichets/KM571/kafka/credentials',
      undefined,
      guichetAuth('KP751', ['075']),
    );
    expect(other.status).toBe(403);
    const manager = await client(
      'POST',
      '/guichets/KM571/kafka/credentials',
      undefined,
      operatorAuth('manager.paris', ['territorial-manager'], ['075']),
    );
    expect(manager.status).toBe(403);
    const withoutChannel = await client(
      'POST',
      '/guichets/KF571/kafka/credentials',
      undefined,
      operatorAuth(),
    );
    expect(withoutChannel.status).toBe(409);
    expect(await aclsOf('User:guichet-KF571')).toEqual([]);
  });

  it('stops the previous password at once when new credentials are issued', async () => {
    const previous = credentials.KM571;
    const issued = await client(
      'POST',
      '/guichets/KM571/kafka/credentials',
      undefined,
      operatorAuth(),
    );
    expect(issued.status).toBe(201);
    const refused = await kcat(previous, ['-L']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Authentication failed|SASL authentication error/i);
    const current = issued.body as Credentials;
    const read = await readTopic(current, current.topic, current.consumerGroup);
    expect(numerosIn(read.stdout).sort()).toEqual(numeros(moselle).sort());
    credentials.KM571 = current;
  });

  it('puts the ACLs back in line with the stored guichets at start', async () => {
    // A stray grant to a guichet that does not exist, and Moselle's channel seen as off.
    await admin.createAcls(guichetAcls('KZ999', isolation.topicPrefix));
    await app.get(GuichetKafkaAccess).reconcile([
      { code: 'KP751', channels: { kafka: { enabled: true }, pull: { enabled: true } } },
      { code: 'KM571', channels: { kafka: { enabled: false }, pull: { enabled: true } } },
      { code: 'KF571', channels: { kafka: { enabled: false }, pull: { enabled: true } } },
    ]);
    expect(await aclsOf('User:guichet-KZ999')).toEqual([]);
    expect(await aclsOf('User:guichet-KM571')).toEqual([]);
    const moselleRefused = await readTopic(
      credentials.KM571,
      credentials.KM571.topic,
      credentials.KM571.consumerGroup,
    );
    expect(moselleRefused.stdout).toBe('');
    // A restart reconciles with the store, where Moselle's channel is still on.
    await app.close();
    await start();
    expect(await aclsOf('User:guichet-KM571')).toEqual(
      expect.arrayContaining(guichetAcls('KM571', isolation.topicPrefix)),
    );
    expect((await aclsOf('User:guichet-KP751')).length).toBe(4);
  });

  it('takes a retired guichet off the broker: no ACL, no password, not even after a restart', async () => {
    const paris = credentials.KP751;
    const manager = operatorAuth('manager.paris', ['territorial-manager'], ['075']);
    const retired = await client('POST', '/guichets/KP751/retire', undefined, manager);
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ code: 'KP751', paused: true });
    expect(retired.body.retiredAt).toEqual(expect.any(String));
    expect(await aclsOf('User:guichet-KP751')).toEqual([]);
    const refused = await kcat(paris, ['-L']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Authentication failed|SASL authentication error/i);
    // Nothing about it changes again; asking to retire it twice is answered the same.
    expect((await client('POST', '/guichets/KP751/resume', undefined, manager)).status).toBe(409);
    expect(
      (await client('POST', '/guichets/KP751/kafka/credentials', undefined, manager)).status,
    ).toBe(409);
    const again = await client('POST', '/guichets/KP751/retire', undefined, manager);
    expect(again.body.retiredAt).toBe(retired.body.retiredAt);
    expect((await client('POST', '/guichets/KM571/retire', undefined, manager)).status).toBe(403);
    await app.close();
    await start();
    expect(await aclsOf('User:guichet-KP751')).toEqual([]);
  });
});
