import { guichetDeliveryTopic, Topics } from '@sne/contracts';
import { appEnv, freePort, isolate, TestKafka, waitFor } from '@sne/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  events,
  expectLogsAndFeeds,
  guichets,
  publishEvents,
  registerGuichets,
} from './support/dispatch-workload';

/**
 * 50 guichets with varied rules, 1,000 demand events, and the dispatcher killed (SIGKILL) in the
 * middle of the stream and started again: every guichet's log holds exactly what the reference
 * evaluator selects, duplicates only with the same delivery id, each demand in order.
 */

describe('dispatcher killed in the middle of a stream', () => {
  const isolation = isolate('resilience');
  const kafka = new TestKafka(isolation.topicPrefix);
  let child: ChildProcess | undefined;
  let api: string;

  const startDispatcher = async (): Promise<void> => {
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, '..', 'apps', 'dispatching', 'src', 'main.ts')],
      {
        cwd: join(__dirname, '..'),
        env: {
          ...process.env,
          ...appEnv(isolation, {
            HTTP_PORT: String(port),
            LOG_LEVEL: 'error',
            SUBSCRIPTION_REFRESH_MS: '500',
          }),
        },
        stdio: 'ignore',
      },
    );
    await waitFor(
      async () => (await fetch(`${api}/health/ready`).catch(() => undefined))?.status === 200,
      { timeoutMs: 60_000, description: 'the dispatcher ready' },
    );
  };

  afterAll(async () => {
    child?.kill('SIGKILL');
    await kafka.cleanup();
  });

  it('loses no delivery and duplicates only with the same delivery id', async () => {
    await kafka.createPlatformTopics();
    await startDispatcher();
    const subscriptions = guichets();
    await registerGuichets(api, subscriptions, () => ({
      kafka: { enabled: true },
      pull: { enabled: false },
    }));

    const stream = events(1_000);
    const producer = kafka.kafka.producer();
    await producer.connect();
    await publishEvents(producer, kafka, stream);
    await producer.disconnect();

    // Kill it once part of the stream is dispatched, start it again, let it finish.
    const logs = subscriptions.map((subscription) => guichetDeliveryTopic(subscription.code));
    await waitFor(
      async () => {
        let total = 0;
        for (const log of logs.slice(0, 10)) total += await kafka.messageCount(log);
        return total > 30;
      },
      { timeoutMs: 60_000, description: 'some deliveries before the kill' },
    );
    child!.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    await startDispatcher();
    await kafka.waitForGroupCaughtUp('sne.dispatching', Topics.DemandEvents, 240_000);

    const duplicates = await expectLogsAndFeeds(kafka, subscriptions, stream);
    // Informative: how many deliveries the kill made twice (each with its original delivery id).
    process.stdout.write(`deliveries repeated after the kill: ${duplicates}\n`);
  });
});
