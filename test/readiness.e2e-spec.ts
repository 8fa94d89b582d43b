import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { appEnv, isolate, PrivateRedis, TestKafka, waitFor } from '@sne/testing';
import { AppModule } from '../apps/renewal-notices/src/app.module';
import { loadRenewalNoticesConfig } from '../apps/renewal-notices/src/config';

interface ReadinessBody {
  status: string;
  info?: Record<string, { status: string }>;
  error?: Record<string, { status: string; message?: string }>;
}

describe('readiness', () => {
  const isolation = isolate('readiness');
  const kafka = new TestKafka(isolation.topicPrefix);
  let redis: PrivateRedis;
  let app: INestApplication;
  let baseUrl: string;

  const ready = async (): Promise<{ status: number; body: ReadinessBody }> => {
    const response = await fetch(`${baseUrl}/health/ready`);
    return { status: response.status, body: (await response.json()) as ReadinessBody };
  };

  beforeAll(async () => {
    // Its calendar consumer is ready once subscribed, which needs the topics.
    await kafka.createPlatformTopics();
    redis = await PrivateRedis.start();
    const config = loadRenewalNoticesConfig(appEnv(isolation, { REDIS_URL: redis.url }));
    app = await NestFactory.create(AppModule.forRoot(config), { logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    await redis?.stop();
    await kafka.cleanup();
  });

  it('reports every dependency of renewal-notices up', async () => {
    const { status, body } = await waitFor(async () => {
      const result = await ready();
      return result.status === 200 && result;
    });
    expect(status).toBe(200);
    expect(Object.keys(body.info ?? {}).sort()).toEqual([
      'consumer:sne.renewal-notices.calendars',
      'kafka',
      'mongodb',
      'redis',
      'smpp',
      'smtp',
    ]);
  });

  it('turns not ready with the reason when Redis stops, and recovers without a restart', async () => {
    await redis?.stop();
    const down = await waitFor(
      async () => {
        const result = await ready();
        return result.status === 503 && result;
      },
      { description: 'readiness to turn 503' },
    );
    expect(down.body.error?.redis?.status).toBe('down');
    expect(down.body.error?.redis?.message).toMatch(
      /redis connection is|ECONNREFUSED|Connection is closed/,
    );
    expect(down.body.info?.kafka?.status).toBe('up');
    const live = await fetch(`${baseUrl}/health/live`);
    expect(live.status).toBe(200);

    await redis.start();
    const up = await waitFor(
      async () => {
        const result = await ready();
        return result.status === 200 && result;
      },
      { timeoutMs: 30_000, description: 'readiness to recover' },
    );
    expect(up.body.info?.redis?.status).toBe('up');
  });
});
