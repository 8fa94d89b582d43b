/**
 * Finding one day's due renewal notices among the calendars of N demands (default 3,000,000):
 * the due-day index (`ScopedLog`, pages read by `_id`) beside the plain design it replaces, one
 * document per due notice with a secondary index on the day, queried with `{ day }`.
 *
 *   npm run bench:renewal -- [--demands 3000000] [--baseline-demands 100000] [--days 10]
 *
 * Needs the local FerretDB (bin/sne infra start ferretdb). Writes bench/renewal/results.json.
 */
import { addDays } from '@sne/domain';
import { ScopedLog } from '@sne/persistence';
import { join } from 'node:path';
import { createConnection } from 'mongoose';
import { positiveIntegerOption, writeResults } from '../cli';

const MONGODB_URI = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
const FIRST_DAY = '2027-01-01';
/** A cycle puts a demand on three days: first notice, registered letter, radiation. */
const DAYS_PER_DEMAND = 3;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const demands = positiveIntegerOption(argv, '--demands') ?? 3_000_000;
  const baselineDemands = positiveIntegerOption(argv, '--baseline-demands') ?? 100_000;
  const sampleDays = positiveIntegerOption(argv, '--days') ?? 10;
  const database = `sne-bench-renewal-${Date.now()}`;
  const connection = await createConnection(MONGODB_URI, { dbName: database }).asPromise();
  const at = new Date();
  try {
    // The index as the projection fills it: each demand on 3 days, spread over the year.
    const log = new ScopedLog<{ n: string; c: string }>(connection, 'renewal_due_days');
    await log.init();
    const perDay = Math.ceil((demands * DAYS_PER_DEMAND) / 365);
    const loadStart = performance.now();
    for (let day = 0; day < 365; day++) {
      const items = Array.from({ length: perDay }, (_, i) => ({
        n: `057 0125 ${String(day * perDay + i).padStart(6, '0')} 10691`,
        c: '2027-03-01',
      }));
      await log.append(addDays(FIRST_DAY, day), items, at);
    }
    const loadSeconds = (performance.now() - loadStart) / 1000;

    const indexTimes: number[] = [];
    let found = 0;
    for (let i = 0; i < sampleDays; i++) {
      const day = addDays(FIRST_DAY, Math.floor((i * 365) / sampleDays));
      const start = performance.now();
      const read = await log.read(day);
      indexTimes.push(performance.now() - start);
      found = read.items.length;
    }
    const pages = connection.collection('renewal_due_days');
    const indexPlan = await pages.find({ _id: `${FIRST_DAY}/0` as never }).explain();

    // The baseline: one document per due notice, a secondary index on `day`.
    const flat = connection.collection('due_notices_flat');
    await flat.createIndex({ day: 1 });
    const baselinePerDay = Math.ceil((baselineDemands * DAYS_PER_DEMAND) / 365);
    for (let day = 0; day < 365; day++) {
      await flat.insertMany(
        Array.from({ length: baselinePerDay }, (_, i) => ({
          day: addDays(FIRST_DAY, day),
          n: `057 0125 ${String(day * baselinePerDay + i).padStart(6, '0')} 10691`,
          c: '2027-03-01',
        })),
      );
    }
    const baselineTimes: number[] = [];
    let baselineFound = 0;
    for (let i = 0; i < Math.min(sampleDays, 3); i++) {
      const start = performance.now();
      baselineFound = (await flat.find({ day: addDays(FIRST_DAY, 100 + i) }).toArray()).length;
      baselineTimes.push(performance.now() - start);
    }
    const baselinePlan = await flat.find({ day: addDays(FIRST_DAY, 100) }).explain();

    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    const results = {
      measuredAt: at.toISOString(),
      demands,
      dueItemsPerDay: perDay,
      indexLoadSeconds: Math.round(loadSeconds),
      index: {
        itemsFound: found,
        medianMs: Math.round(median(indexTimes) * 10) / 10,
        maxMs: Math.round(Math.max(...indexTimes) * 10) / 10,
        plan: (indexPlan as { queryPlanner?: unknown }).queryPlanner,
      },
      baseline: {
        demands: baselineDemands,
        documents: baselinePerDay * 365,
        itemsFound: baselineFound,
        medianMs: Math.round(median(baselineTimes)),
        plan: (baselinePlan as { queryPlanner?: unknown }).queryPlanner,
      },
    };
    console.log(JSON.stringify(results, null, 2));
    await writeResults(join(__dirname, 'results.json'), results);
  } finally {
    await connection.dropDatabase();
    await connection.close();
  }
}

void main();
