import type { INestApplication } from '@nestjs/common';
import { applicantAuth, appEnv, isolate, operatorAuth, startApp, TestKafka } from '@sne/testing';
import * as consoleApp from '../apps/console/src/app.module';
import { loadConsoleConfig } from '../apps/console/src/config';
import {
  filledPath,
  type OpenApiOperation,
  openApiOperations,
} from './support/open-api-operations';
import { API_APPS } from './support/platform-apps';

/** body-parser's limit, as Nest sets it in every app (libs/platform, request-body-errors.ts). */
const LIMIT_BYTES = 100 * 1024;
const UNDECLARED = 'sneUndeclared';

/** A JSON object of about `bytes` bytes. */
const jsonOf = (bytes: number) => JSON.stringify({ padding: 'x'.repeat(bytes) });

/** Applicants reach the portal's routes only, everyone else the others. */
const callerOf = (path: string) =>
  path.startsWith('/portal/')
    ? applicantAuth('account-edge', 'edge@example.org')
    : operatorAuth('edge.admin', ['national-admin']);

interface ErrorAnswer {
  status: number;
  body: {
    error?: {
      code?: string;
      details?: { limitBytes?: number; issues?: Array<{ path: string; message: string }> };
    };
  };
}

async function send(
  url: string,
  operation: Pick<OpenApiOperation, 'method' | 'path'>,
  options: { query?: string; body?: string; type?: string } = {},
): Promise<ErrorAnswer> {
  // Body parsing and the query check run before a route checks its parameters: any value does.
  const path = filledPath(operation.path, {}, 'X0001');
  const response = await fetch(`${url}${path}${options.query ?? ''}`, {
    method: operation.method,
    headers: { 'content-type': options.type ?? 'application/json', ...callerOf(path) },
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: response.headers.get('content-type')?.includes('json')
      ? (JSON.parse(text) as ErrorAnswer['body'])
      : {},
  };
}

/**
 * The edge of every app, on every operation of the four OpenAPI files (and the console's forms):
 * oversized and malformed bodies answered 413 with the limit or 400, never a 500; a query
 * parameter the operation does not declare refused before its handler runs.
 */
describe('The HTTP edge of every app', () => {
  const isolation = isolate('edge');
  const kafka = new TestKafka(isolation.topicPrefix);

  beforeAll(() => kafka.createPlatformTopics());
  afterAll(() => kafka.cleanup());

  describe.each(API_APPS)('$name', ({ name, module }) => {
    let app: INestApplication;
    let url: string;
    const operations = openApiOperations(name);
    const writes = operations.filter((operation) =>
      ['POST', 'PUT', 'PATCH'].includes(operation.method),
    );

    beforeAll(async () => {
      ({ app, url } = await startApp(module(appEnv(isolation))));
    });
    afterAll(() => app?.close());

    it('has operations to try, and refuses a big body even where it takes none', async () => {
      expect(operations.length).toBeGreaterThan(writes.length);
      // The audit trail only reads: a body sent to it anyway is refused as too large, never a 500.
      const [first] = operations;
      const answer = await send(
        url,
        { ...first, method: 'POST' },
        { body: jsonOf(5 * 1024 * 1024) },
      );
      expect(answer.status).toBe(413);
    });

    it.each([
      ['150 kB', 150 * 1024],
      ['5 MB', 5 * 1024 * 1024],
    ])('answers a JSON body of %s with 413 and the limit, on every write', async (_label, size) => {
      const body = jsonOf(size);
      for (const operation of writes) {
        const answer = await send(url, operation, { body });
        expect({ key: operation.key, status: answer.status, error: answer.body.error }).toEqual({
          key: operation.key,
          status: 413,
          error: expect.objectContaining({
            code: 'payload-too-large',
            details: expect.objectContaining({ limitBytes: LIMIT_BYTES }),
          }),
        });
      }
    });

    it('answers malformed JSON with 400, never echoing the body', async () => {
      for (const operation of writes) {
        const answer = await send(url, operation, { body: '{"nir": "1850775123456", ' });
        expect({
          key: operation.key,
          status: answer.status,
          code: answer.body.error?.code,
        }).toEqual({ key: operation.key, status: 400, code: 'invalid-body' });
        expect(JSON.stringify(answer.body)).not.toContain('1850775123456');
      }
    });

    it('refuses an undeclared query parameter on every operation, with what is accepted', async () => {
      for (const operation of operations.filter((candidate) => !candidate.public)) {
        const answer = await send(url, operation, {
          query: `?${UNDECLARED}=1`,
          ...(['GET', 'DELETE'].includes(operation.method) ? {} : { body: '{}' }),
        });
        const issue = answer.body.error?.details?.issues?.[0];
        expect({ key: operation.key, status: answer.status, issue: issue?.path }).toEqual({
          key: operation.key,
          status: 400,
          issue: UNDECLARED,
        });
        for (const parameter of operation.query) expect(issue?.message).toContain(parameter);
      }
    });
  });

  it('still answers a search with its declared criteria', async () => {
    const registration = API_APPS.find((candidate) => candidate.name === 'registration')!;
    const { app, url } = await startApp(registration.module(appEnv(isolation)));
    try {
      const response = await fetch(`${url}/demands?commune=57463&pageSize=5`, {
        headers: operatorAuth('edge.admin', ['national-admin']),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ page: 1, pageSize: 5, total: 0 });
    } finally {
      await app.close();
    }
  });

  it('answers an oversized console form with 413, never a 500', async () => {
    const { app, url } = await startApp(
      consoleApp.AppModule.forRoot(
        loadConsoleConfig(appEnv(isolation, { DISPATCHING_URL: 'http://127.0.0.1:9' })),
      ),
    );
    try {
      const answer = await send(
        url,
        { method: 'POST', path: '/guichets/X0001/dry-run' },
        { body: `rule=${'x'.repeat(150 * 1024)}`, type: 'application/x-www-form-urlencoded' },
      );
      expect(answer.status).toBe(413);
      expect(answer.body.error).toMatchObject({ code: 'payload-too-large' });
    } finally {
      await app.close();
    }
  });
});
