/**
 * What bounding every rule by its guichet's territory costs the matcher: the same 1,600 guichet
 * rules and documents as bench:matching, compiled as they are and as `territory AND rule`,
 * matched side by side in one run.
 *
 *   npm run bench:territory -- [--events N] [--guichets N]
 */
import { boundToTerritory, CompiledMatcher, DEMAND_FIELDS } from '@sne/matching';
import { positiveIntegerOption } from '../cli';
import { buildTerritory, DocumentGenerator, generateGuichets } from './workload';

const argv = process.argv.slice(2);
const events = positiveIntegerOption(argv, '--events') ?? 200_000;
const count = positiveIntegerOption(argv, '--guichets') ?? 1_600;
const seed = 42;

const territory = buildTerritory(seed);
const guichets = generateGuichets(territory, count, seed);
const pool = new DocumentGenerator(territory, guichets, seed).many(20_000);
const plain = CompiledMatcher.compile(
  guichets.map((guichet, key) => ({ key, rule: guichet.rule })),
  DEMAND_FIELDS,
);
const bounded = CompiledMatcher.compile(
  guichets.map((guichet, key) => ({
    key,
    rule: boundToTerritory({ departments: guichet.departments }, guichet.rule),
  })),
  DEMAND_FIELDS,
);

function run(matcher: typeof plain): { perSecond: number; matches: number } {
  let matches = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < events; i++) matches += matcher.match(pool[i % pool.length]).length;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { perSecond: Math.round(events / seconds), matches };
}

// Warm both, then alternate twice so neither benefits from running last.
run(plain);
run(bounded);
const results = [run(plain), run(bounded), run(plain), run(bounded)];
const best = (offset: number) => Math.max(results[offset].perSecond, results[offset + 2].perSecond);
const outside = results[0].matches - results[1].matches;
process.stdout.write(
  `${count} guichets, ${events} events per run (best of two)\n` +
    `| matcher | events/s | matches |\n| --- | --- | --- |\n` +
    `| rules as written | ${best(0)} | ${results[0].matches} |\n` +
    `| territory AND rule | ${best(1)} | ${results[1].matches} |\n` +
    `ratio bounded/plain: ${(best(1) / best(0)).toFixed(2)}; matches outside the territory removed: ${outside}\n`,
);
