import type { INestApplication } from '@nestjs/common';
import { appEnv, isolate, operatorAuth, startApp, TestKafka } from '@sne/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import * as consoleApp from '../apps/console/src/app.module';
import { loadConsoleConfig } from '../apps/console/src/config';
import { API_APPS } from './support/platform-apps';

/** body-parser's limit, as Nest sets it in every app (libs/platform, request-body-errors.ts). */
const LIMIT_BYTES = 100 * 1024;
const WRITE_METHODS = ['post', 'put', 'patch'] as const;

interface Operation {
  readonly method: string;
  readonly path: string;
}

/** Every write operation of an app's OpenAPI file, its path parameters filled in. */
function writeOperations(app: string): Operation[] {
  const document = parse(
    readFileSync(join(__dirname, '..', 'docs', 'openapi', `${app}.yaml`), 'utf8'),
  ) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    WRITE_METHODS.filter((method) => method in operations).map((method) => ({
      method: method.toUpperCase(),
      // Body parsing runs before routing checks a parameter: any value reaches the parser.
      path: path.replace(/\{[^}]+\}/g, 'X0001'),
    })),
  );
}

/** A JSON object of about `bytes` bytes. */
const jsonOf = (bytes: number) => JSON.stringify({ padding: 'x'.repeat(bytes) });

async function send(url: string, operation: Operation, body: string, type = 'application/json') {
  const response = await fetch(`${url}${operation.path}`, {
    method: operation.method,
    headers: { 'content-type': type, ...operatorAuth('edge.admin', ['national-admin']) },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    body: response.headers.get('content-type')?.includes('json')
      ? (JSON.parse(text) as { error?: { code?: string; details?: Record<string, unknown> } })
      : {},
  };
}

/**
 * Oversized and malformed bodies on every POST, PUT and PATCH of the four OpenAPI files (and the
 * console's forms): the platform's error, 413 with the limit or 400, never a 500.
 */
describe('Request bodies at the edge of every app', () => {
  const isolation = isolate('bodies');
  const kafka = new TestKafka(isolation.topicPrefix);

  beforeAll(() => kafka.createPlatformTopics());
  afterAll(() => kafka.cleanup());

  describe.each(API_APPS)('$name', ({ name, module }) => {
    let app: INestApplication;
    let url: string;
    const operations = writeOperations(name);

    beforeAll(async () => {
      ({ app, url } = await startApp(module(appEnv(isolation))));
    });
    afterAll(() => app?.close());

    it('has write operations to try', () => {
      expect(operations.length).toBeGreaterThan(0);
    });

    it.each([
      ['150 kB', 150 * 1024],
      ['5 MB', 5 * 1024 * 1024],
    ])('answers a JSON body of %s with 413 and the limit, on every write', async (_label, size) => {
      const body = jsonOf(size);
      for (const operation of operations) {
        const answer = await send(url, operation, body);
        expect({ ...operation, status: answer.status, error: answer.body.error }).toEqual({
          ...operation,
          status: 413,
          error: expect.objectContaining({
            code: 'payload-too-large',
            details: expect.objectContaining({ limitBytes: LIMIT_BYTES }),
          }),
        });
      }
    });

    it('answers malformed JSON with 400, never echoing the body', async () => {
      for (const operation of operations) {
        const answer = await send(url, operation, '{"nir": "1850775123456", ');
        expect({ ...operation, status: answer.status, code: answer.body.error?.code }).toEqual({
          ...operation,
          status: 400,
          code: 'invalid-body',
        });
        expect(JSON.stringify(answer.body)).not.toContain('1850775123456');
      }
    });
  });

  describe('console', () => {
    let app: INestApplication;
    let url: string;

    beforeAll(async () => {
      ({ app, url } = await startApp(
        consoleApp.AppModule.forRoot(
          loadConsoleConfig(appEnv(isolation, { DISPATCHING_URL: 'http://127.0.0.1:9' })),
        ),
      ));
    });
    afterAll(() => app?.close());

    it('answers an oversized form with 413, never a 500', async () => {
      const answer = await send(
        url,
        { method: 'POST', path: '/guichets/X0001/dry-run' },
        `rule=${'x'.repeat(150 * 1024)}`,
        'application/x-www-form-urlencoded',
      );
      expect(answer.status).toBe(413);
      expect(answer.body.error).toMatchObject({ code: 'payload-too-large' });
    });
  });
});
