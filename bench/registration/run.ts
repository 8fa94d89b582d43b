/**
 * The registration app's two costs that grow with the register:
 *
 * 1. The duplicate check among N registered demands (default 2,000,000): the control-key index
 *    (`control_keys`, read by `_id`) beside the plain design it replaces, a query on the
 *    normalised control fields with a compound index, on a smaller stock because it scans.
 * 2. Registrations per second over HTTP (validation, territory, duplicate check, numéro, revision
 *    and projection, control keys, outbox to Kafka) beside the bare insert of the same documents.
 *
 *   npm run bench:registration -- [--demands 2000000] [--baseline-demands 100000]
 *                                  [--registrations 1000] [--concurrency 8]
 *
 * Needs the local stack (bin/sne infra start). Writes bench/registration/results.json.
 */
import { NestFactory } from '@nestjs/core';
import { aDemandInput, anApplicant, duplicateKey } from '@sne/domain';
import { MONGO_CONNECTION } from '@sne/persistence';
import { appEnv, guichetAuth, isolate, TestKafka } from '@sne/testing';
import { join } from 'node:path';
import type { Connection } from 'mongoose';
import { AppModule } from '../../apps/registration/src/app.module';
import { loadRegistrationConfig } from '../../apps/registration/src/config';
import { ControlKeyIndex } from '../../apps/registration/src/demands/control-key.index';
import { positiveIntegerOption, writeResults } from '../cli';

const LOAD_BATCH = 5_000;
const LOOKUPS = 1_000;

/** Letters only, as names are checked: 0 → "a", 26 → "ba"… */
function letters(n: number): string {
  let text = '';
  let rest = n;
  do {
    text = String.fromCharCode(97 + (rest % 26)) + text;
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return text;
}

function person(n: number) {
  return {
    civility: (n % 2) + 1,
    lastName: `Bench ${letters(n)}`,
    firstName: `Camille ${letters(n * 7)}`,
    birthDate: `19${String(50 + (n % 50)).padStart(2, '0')}-0${1 + (n % 9)}-1${n % 10}`,
  };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 100) /
    100
  );
}

async function timeEach(count: number, work: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await work(i);
    times.push(performance.now() - start);
  }
  return times;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const demands = positiveIntegerOption(argv, '--demands') ?? 2_000_000;
  const baselineDemands = positiveIntegerOption(argv, '--baseline-demands') ?? 100_000;
  const registrations = positiveIntegerOption(argv, '--registrations') ?? 1_000;
  const concurrency = positiveIntegerOption(argv, '--concurrency') ?? 8;
  const isolation = isolate('bench-registration');
  const kafka = new TestKafka(isolation.topicPrefix);
  await kafka.createPlatformTopics();
  const app = await NestFactory.create(
    AppModule.forRoot(loadRegistrationConfig(appEnv(isolation, { LOG_LEVEL: 'warn' }))),
    { logger: ['warn', 'error'] },
  );
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const connection = app.get<Connection>(MONGO_CONNECTION);
  try {
    // 1. The duplicate check.
    const keysCollection = connection.collection('control_keys');
    const loadStart = performance.now();
    for (let start = 0; start < demands; start += LOAD_BATCH) {
      const batch = [];
      for (let n = start; n < Math.min(start + LOAD_BATCH, demands); n++) {
        batch.push({
          _id: `${duplicateKey(person(n) as never)}#0`,
          numeroUnique: `057 0125 ${String(n % 1e6).padStart(6, '0')} 10691`,
        });
      }
      await keysCollection.insertMany(batch as never[], { ordered: false }).catch(() => undefined);
    }
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const index = app.get(ControlKeyIndex);
    const known = await timeEach(LOOKUPS, (i) =>
      index.holders(duplicateKey(person((i * 7919) % demands) as never)),
    );
    const unknown = await timeEach(LOOKUPS, (i) =>
      index.holders(duplicateKey(person(demands + i) as never)),
    );
    const indexPlan = await keysCollection
      .find({ _id: `${duplicateKey(person(1) as never)}#0` as never })
      .explain();

    const plain = connection.collection('bench_demands_plain');
    await plain.createIndex({ civility: 1, lastName: 1, firstName: 1, birthDate: 1, state: 1 });
    for (let start = 0; start < baselineDemands; start += LOAD_BATCH) {
      const batch = [];
      for (let n = start; n < Math.min(start + LOAD_BATCH, baselineDemands); n++) {
        batch.push({ ...person(n), state: 'active', pad: 'x'.repeat(1_500) });
      }
      await plain.insertMany(batch);
    }
    const plainLookups = await timeEach(5, (i) =>
      plain.find({ ...person((i * 7919) % baselineDemands), state: 'active' }).toArray(),
    );
    const plainPlan = await plain.find({ ...person(1), state: 'active' }).explain();

    // 2. Registrations over HTTP beside bare inserts of the same documents.
    const guichet = guichetAuth('10691', ['057'], 'landlord');
    const inputs = Array.from({ length: registrations }, (_, i) =>
      aDemandInput({
        applicant: anApplicant({
          lastName: `Registre ${letters(i)}`,
          firstName: `Dominique ${letters(i * 3)}`,
          birthName: undefined,
          nir: undefined,
        }),
        // Each applicant has an address of their own, as on the register.
        contact: { email: `registre.${i}@example.fr`, mobile: '0612345678', smsConsent: true },
      }),
    );
    const inParallel = async (work: (i: number) => Promise<void>) => {
      let next = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < registrations) await work(next++);
        }),
      );
      return registrations / ((performance.now() - start) / 1000);
    };
    let refused = 0;
    const throughApp = await inParallel(async (i) => {
      const response = await fetch(`${url}/demands`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...guichet },
        body: JSON.stringify(inputs[i]),
      });
      await response.arrayBuffer();
      if (response.status !== 201) refused++;
    });
    const bare = connection.collection('bench_bare_inserts');
    const bareInserts = await inParallel(async (i) => {
      await bare.insertOne({ ...inputs[i], state: 'active' });
    });

    const results = {
      measuredAt: new Date().toISOString(),
      duplicateCheck: {
        demands,
        keysLoadSeconds: Math.round(loadSeconds),
        knownKeyMs: { p50: percentile(known, 0.5), p99: percentile(known, 0.99) },
        unknownKeyMs: { p50: percentile(unknown, 0.5), p99: percentile(unknown, 0.99) },
        plan: (indexPlan as { queryPlanner?: unknown }).queryPlanner,
        baseline: {
          demands: baselineDemands,
          medianMs: percentile(plainLookups, 0.5),
          plan: (plainPlan as { queryPlanner?: unknown }).queryPlanner,
        },
      },
      registrations: {
        count: registrations,
        concurrency,
        throughAppPerSecond: Math.round(throughApp * 10) / 10,
        refused,
        bareInsertPerSecond: Math.round(bareInserts * 10) / 10,
      },
    };
    console.log(JSON.stringify(results, null, 2));
    await writeResults(join(__dirname, 'results.json'), results);
  } finally {
    await connection.dropDatabase();
    await app.close();
    await kafka.cleanup();
  }
}

void main();
