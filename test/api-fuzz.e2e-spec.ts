import type { INestApplication } from '@nestjs/common';
import {
  applicantAuth,
  appEnv,
  guichetAuth,
  isolate,
  operatorAuth,
  startApp,
  TestKafka,
} from '@sne/testing';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_APPS } from './support/platform-apps';

/** Where deploy/local/install.sh puts schemathesis (part `schemathesis`). */
const SCHEMATHESIS =
  process.env.SNE_SCHEMATHESIS ??
  join(
    process.env.SNE_CACHE_DIR ??
      join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sne'),
    `schemathesis-${/^schemathesis==(\S+)$/m.exec(readFileSync(join(__dirname, '..', 'tools', 'fuzz', 'requirements.txt'), 'utf8'))?.[1]}`,
    'bin',
    'schemathesis',
  );
/**
 * Operations schemathesis 4.32 cannot generate data for (its own "Schema Error", not the API's):
 * the processing-event body, one `if`/`then` per `kind`, which its canonicaliser reads as
 * conflicting. Its inputs are covered by test/registration.e2e-spec.ts.
 */
const GENERATION_ERRORS = new Set<string>(['POST /demands/{numeroUnique}/processing-events']);

/**
 * Who calls: a national admin reaches the operators' routes, a guichet the registering ones, an
 * applicant the portal's.
 */
const CALLERS = [
  { label: 'a national admin', auth: () => operatorAuth('fuzz.admin', ['national-admin']) },
  { label: 'a guichet of Moselle', auth: () => guichetAuth('10691', ['057'], 'landlord') },
  { label: 'an applicant', auth: () => applicantAuth('account-fuzz', 'fuzz@example.org') },
];

/** Examples per operation: a short run in CI; `SNE_FUZZ_EXAMPLES=500` for a long one. */
const EXAMPLES = process.env.SNE_FUZZ_EXAMPLES ?? '25';

/** Runs in a folder of its own: schemathesis leaves a `.schemathesis` cache where it runs. */
function schemathesis(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      SCHEMATHESIS,
      args,
      {
        cwd,
        maxBuffer: 64 * 1024 * 1024,
        timeout: 15 * 60_000,
        env: { ...process.env, NO_COLOR: '1' },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

/**
 * Every operation of the four OpenAPI files, fuzzed by schemathesis with a national admin's
 * token (valid and invalid inputs alike, deterministic seed): no answer may be a 5xx.
 */
describe('API fuzzing (schemathesis)', () => {
  const isolation = isolate('fuzz');
  const kafka = new TestKafka(isolation.topicPrefix);

  beforeAll(async () => {
    if (!existsSync(SCHEMATHESIS))
      throw new Error(
        `schemathesis not found at ${SCHEMATHESIS}: run deploy/local/install.sh schemathesis`,
      );
    await kafka.createPlatformTopics();
  });
  afterAll(() => kafka.cleanup());

  describe.each(API_APPS)('$name', ({ name, module }) => {
    let app: INestApplication;
    let url: string;

    beforeAll(async () => {
      ({ app, url } = await startApp(module(appEnv(isolation))));
    });
    afterAll(() => app?.close());

    it.each(CALLERS)(
      'answers no request of $label with a server error',
      async ({ auth }) => {
        const folder = mkdtempSync(join(tmpdir(), 'sne-fuzz-'));
        const report = join(folder, 'junit.xml');
        const { code, output } = await schemathesis(
          [
            'run',
            join(__dirname, '..', 'docs', 'openapi', `${name}.yaml`),
            '--url',
            url,
            '--header',
            `Authorization: ${auth().authorization}`,
            '--checks',
            'not_a_server_error',
            '--max-examples',
            EXAMPLES,
            '--seed',
            '20261206',
            '--phases',
            'examples,coverage,fuzzing',
            '--generation-database',
            'none',
            '--workers',
            '2',
            '--no-color',
            '--report',
            'junit',
            '--report-junit-path',
            report,
          ],
          folder,
        );
        const outcome = junitOutcome(readFileSync(report, 'utf8'));
        if (outcome.failed.length > 0 || code !== 0)
          process.stderr.write(`schemathesis on ${name}:\n${output.slice(-30_000)}\n`);
        expect(outcome.tested).toBeGreaterThan(0);
        // Server errors are failures of the one check; schemathesis's own errors are listed apart.
        expect(outcome.failed).toEqual([]);
        expect(outcome.errored.filter((operation) => !GENERATION_ERRORS.has(operation))).toEqual(
          [],
        );
      },
      20 * 60_000,
    );
  });
});

/**
 * A CPython 3.11 bug hypothesis hits now and then while describing a strategy (its own crash,
 * no request involved): the operation is reported, not failed.
 */
const TOOL_CRASHES = [/AST constructor recursion depth mismatch/];

/** The operations of a JUnit report that failed (a check) or errored (schemathesis itself). */
function junitOutcome(xml: string): { tested: number; failed: string[]; errored: string[] } {
  const cases = [
    ...xml.matchAll(/<testcase\b[^>]*\bname="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g),
  ];
  const names = (kind: string) =>
    cases
      .filter((found) => new RegExp(`<${kind}\\b`).test(found[3] ?? ''))
      .filter((found) => {
        const crash = kind === 'error' && TOOL_CRASHES.some((known) => known.test(found[3] ?? ''));
        if (crash) process.stderr.write(`schemathesis crashed on ${found[1]} (known tool bug)\n`);
        return !crash;
      })
      .map((found) => found[1]);
  return { tested: cases.length, failed: names('failure'), errored: names('error') };
}
