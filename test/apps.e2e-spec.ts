import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppName } from '@sne/contracts';
import { KAFKA_SERVICES } from '@sne/kafka';
import { appEnv, isolate, kafkaServiceEnv, TestKafka, waitFor } from '@sne/testing';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as consoleApp from '../apps/console/src/app.module';
import { loadConsoleConfig } from '../apps/console/src/config';
import * as dispatching from '../apps/dispatching/src/app.module';
import { loadDispatchingConfig } from '../apps/dispatching/src/config';
import * as documentIngestion from '../apps/document-ingestion/src/app.module';
import { loadDocumentIngestionConfig } from '../apps/document-ingestion/src/config';
import * as registration from '../apps/registration/src/app.module';
import { loadRegistrationConfig } from '../apps/registration/src/config';
import * as renewalNotices from '../apps/renewal-notices/src/app.module';
import { loadRenewalNoticesConfig } from '../apps/renewal-notices/src/config';
import * as auditTrail from '../apps/audit-trail/src/app.module';
import { loadAuditTrailConfig } from '../apps/audit-trail/src/config';
import * as identityProvider from '../apps/identity-provider/src/app.module';
import { loadIdentityProviderConfig } from '../apps/identity-provider/src/config';

type Env = Record<string, string>;

const APPS: Array<{ name: string; module: (env: Env) => DynamicModule; dependencies: string[] }> = [
  {
    name: 'registration',
    module: (env) => registration.AppModule.forRoot(loadRegistrationConfig(env)),
    dependencies: [
      'consumer:sne.registration.commands',
      'consumer:sne.registration.notices',
      'kafka',
      'mongodb',
    ],
  },
  {
    name: 'dispatching',
    module: (env) => dispatching.AppModule.forRoot(loadDispatchingConfig(env)),
    dependencies: ['consumer:sne.dispatching', 'kafka', 'mongodb', 'redis'],
  },
  {
    name: 'renewal-notices',
    module: (env) => renewalNotices.AppModule.forRoot(loadRenewalNoticesConfig(env)),
    dependencies: [
      'consumer:sne.renewal-notices.calendars',
      'kafka',
      'mongodb',
      'redis',
      'smpp',
      'smtp',
    ],
  },
  {
    name: 'document-ingestion',
    module: (env) => documentIngestion.AppModule.forRoot(loadDocumentIngestionConfig(env)),
    dependencies: ['consumer:sne.document-ingestion.demands', 'kafka', 'mongodb', 'redis', 'smtp'],
  },
  {
    name: 'audit-trail',
    module: (env) => auditTrail.AppModule.forRoot(loadAuditTrailConfig(env)),
    dependencies: ['consumer:sne.audit-trail', 'kafka', 'mongodb'],
  },
  {
    name: 'console',
    module: (env) => consoleApp.AppModule.forRoot(loadConsoleConfig(env)),
    dependencies: ['kafka', 'redis'],
  },
  {
    name: 'identity-provider',
    module: (env) => identityProvider.AppModule.forRoot(loadIdentityProviderConfig(env)),
    dependencies: ['redis'],
  },
];

describe('apps', () => {
  const isolation = isolate('apps');
  const kafka = new TestKafka(isolation.topicPrefix);

  beforeAll(() => kafka.createPlatformTopics());
  afterAll(() => kafka.cleanup());

  describe.each(APPS)('$name', ({ name, module, dependencies }) => {
    let app: INestApplication;
    let baseUrl: string;

    beforeAll(async () => {
      // Each app as its own principal on the broker, with the ACLs production gives it.
      const principal = (KAFKA_SERVICES as readonly string[]).includes(name)
        ? await kafkaServiceEnv(name as AppName, isolation)
        : {};
      app = await NestFactory.create(module(appEnv(isolation, principal)), { logger: false });
      await app.listen(0, '127.0.0.1');
      baseUrl = await app.getUrl();
    });

    afterAll(() => app?.close());

    it('is live and ready, naming each of its dependencies', async () => {
      expect((await fetch(`${baseUrl}/health/live`)).status).toBe(200);
      // Connections open in the background: readiness may say 503 for a moment after boot.
      const body = await waitFor(
        async () => {
          const response = await fetch(`${baseUrl}/health/ready`);
          return (
            response.status === 200 &&
            ((await response.json()) as { info: Record<string, unknown> })
          );
        },
        { description: `${name} ready` },
      );
      expect(Object.keys(body.info).sort()).toEqual(dependencies);
    });

    it('serves Prometheus metrics labelled with its name', async () => {
      const response = await fetch(`${baseUrl}/metrics`);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toContain(`sne_process_resident_memory_bytes{app="${name}"}`);
      expect(text).toContain('sne_http_request_duration_seconds_bucket');
    });

    it('answers with the caller’s correlation id, or a new one', async () => {
      const given = await fetch(`${baseUrl}/health/live`, {
        headers: { 'x-correlation-id': 'abc-123' },
      });
      expect(given.headers.get('x-correlation-id')).toBe('abc-123');
      const fresh = await fetch(`${baseUrl}/health/live`);
      expect(fresh.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  it('refuses to start with an invalid configuration and lists every problem', () => {
    const { MONGODB_URI: _mongo, ...inherited } = process.env;
    const result = spawnSync(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, '..', 'apps', 'registration', 'src', 'main.ts')],
      {
        cwd: join(__dirname, '..'),
        env: {
          ...inherited,
          NODE_ENV: 'production',
          HTTP_PORT: 'eighty',
          KAFKA_BROKERS: 'no-port',
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('registration: invalid configuration');
    expect(result.stderr).toContain('HTTP_PORT: invalid value');
    expect(result.stderr).toContain(
      'KAFKA_BROKERS: invalid value: expected a comma-separated list of host:port',
    );
    expect(result.stderr).toContain('MONGODB_URI: is required and not set');
  });
});
