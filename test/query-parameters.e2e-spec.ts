import type { INestApplication } from '@nestjs/common';
import { applicantAuth, appEnv, isolate, operatorAuth, startApp, TestKafka } from '@sne/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { API_APPS } from './support/platform-apps';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const UNDECLARED = 'sneUndeclared';

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly declared: readonly string[];
}

/** Every operation of an app's OpenAPI file with the query parameters it declares. */
function operationsOf(app: string): Operation[] {
  const document = parse(
    readFileSync(join(__dirname, '..', 'docs', 'openapi', `${app}.yaml`), 'utf8'),
  ) as {
    paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>>;
  };
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    METHODS.filter((method) => method in operations).map((method) => ({
      method: method.toUpperCase(),
      path: path.replace(/\{[^}]+\}/g, 'X0001'),
      declared: (operations[method].parameters ?? [])
        .filter((parameter) => parameter.in === 'query')
        .map((parameter) => parameter.name),
    })),
  );
}

/** Applicants reach the portal's routes only, everyone else the others. */
const callerOf = (path: string) =>
  path.startsWith('/portal/')
    ? applicantAuth('account-query', 'query@example.org')
    : operatorAuth('query.admin', ['national-admin']);

/**
 * A query parameter an operation does not declare is refused before the handler runs, on every
 * operation of the four OpenAPI files: 400 naming the parameter and what the operation accepts.
 */
describe('Query parameters an operation does not declare', () => {
  const isolation = isolate('query');
  const kafka = new TestKafka(isolation.topicPrefix);

  beforeAll(() => kafka.createPlatformTopics());
  afterAll(() => kafka.cleanup());

  describe.each(API_APPS)('$name', ({ name, module }) => {
    let app: INestApplication;
    let url: string;
    const operations = operationsOf(name);

    beforeAll(async () => {
      ({ app, url } = await startApp(module(appEnv(isolation))));
    });
    afterAll(() => app?.close());

    it('refuses an undeclared parameter on every operation, with what is accepted', async () => {
      expect(operations.length).toBeGreaterThan(0);
      for (const operation of operations) {
        const response = await fetch(`${url}${operation.path}?${UNDECLARED}=1`, {
          method: operation.method,
          headers: { 'content-type': 'application/json', ...callerOf(operation.path) },
          ...(['GET', 'DELETE'].includes(operation.method) ? {} : { body: '{}' }),
        });
        const body = (await response.json()) as {
          error?: {
            code?: string;
            details?: { issues?: Array<{ path: string; message: string }> };
          };
        };
        const issue = body.error?.details?.issues?.[0];
        expect({ ...operation, status: response.status, issue: issue?.path }).toEqual({
          ...operation,
          status: 400,
          issue: UNDECLARED,
        });
        for (const parameter of operation.declared) expect(issue?.message).toContain(parameter);
      }
    });
  });

  it('still answers a search with its declared criteria', async () => {
    const registration = API_APPS.find((candidate) => candidate.name === 'registration')!;
    const { app, url } = await startApp(registration.module(appEnv(isolation)));
    try {
      const response = await fetch(`${url}/demands?commune=57463&pageSize=5`, {
        headers: operatorAuth('query.admin', ['national-admin']),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ page: 1, pageSize: 5, total: 0 });
    } finally {
      await app.close();
    }
  });
});
