/**
 * The guichet matcher benchmark: the compiled matcher against the naive loop over the reference
 * evaluator, mingo (MongoDB queries) and json-rules-engine, on the same generated documents.
 *
 *   node --expose-gc -r @swc-node/register bench/matching/run.ts [--events N] [--quick] [--seed S]
 *   npm run bench:matching -- [--events N] [--quick]
 *
 * `--expose-gc` makes the heap figures reliable (a GC before and after each build); without it the
 * runner turns the flag on itself through v8.setFlagsFromString and says so in the results.
 * Progress goes to stderr, the Markdown tables to stdout, everything to bench/matching/results.json.
 */
import {
  CompiledMatcher,
  DEMAND_FIELDS,
  evaluate,
  type MatchDocument,
  type Rule,
} from '@sne/matching';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { format, resolveConfig } from 'prettier';
import { type Coverage, MingoMatcher, RulesEngineMatcher } from './baselines';
import {
  buildTerritory,
  type DemandMatchDocument,
  DocumentGenerator,
  generateGuichets,
  type Guichet,
} from './workload';
import { positiveIntegerOption } from '../cli';

// ---------------------------------------------------------------------------------------------
// Configuration

interface Config {
  readonly quick: boolean;
  readonly seed: number;
  /** Guichets of the main comparison. */
  readonly guichets: number;
  /** Events through the compiled matcher in the main run. */
  readonly events: number;
  /** Distinct documents generated; longer runs cycle through them. */
  readonly pool: number;
  /** Documents the baselines are timed on (each stops earlier if it would exceed its budget). */
  readonly sample: number;
  /** Documents × all rules compared with the reference before timing. */
  readonly verify: number;
  readonly warmUp: number;
  /** Time budget of each slow matcher's timed run (the naive loop, mingo, json-rules-engine). */
  readonly slowBudgetMs: number;
  readonly scalingSizes: readonly number[];
  readonly scalingEvents: number;
  readonly scalingNaiveMax: number;
  readonly scalingNaiveBudgetMs: number;
}

function parseConfig(argv: readonly string[]): Config {
  const valueOf = (flag: string) => positiveIntegerOption(argv, flag);
  const quick = argv.includes('--quick');
  const events = valueOf('--events') ?? (quick ? 100_000 : 1_000_000);
  const sample = quick ? 2_000 : 20_000;
  return {
    quick,
    seed: valueOf('--seed') ?? 20_240_601,
    guichets: 1_600,
    events,
    pool: Math.max(sample, Math.min(events, 100_000)),
    sample,
    verify: quick ? 300 : 2_000,
    warmUp: quick ? 5_000 : 20_000,
    slowBudgetMs: quick ? 6_000 : 45_000,
    scalingSizes: [100, 1_600, 10_000],
    scalingEvents: quick ? 30_000 : 200_000,
    scalingNaiveMax: quick ? 300 : 2_000,
    scalingNaiveBudgetMs: quick ? 3_000 : 12_000,
  };
}

const log = (message: string) => process.stderr.write(`${message}\n`);

// ---------------------------------------------------------------------------------------------
// Measurement

type Gc = () => void;

function findGc(): { gc: Gc | undefined; how: string } {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return { gc: exposed as Gc, how: '--expose-gc' };
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc === 'function') return { gc: gc as Gc, how: 'v8.setFlagsFromString fallback' };
  } catch {
    // no GC control: heap figures are left out
  }
  return { gc: undefined, how: 'unavailable (heap figures omitted)' };
}

const { gc, how: gcHow } = findGc();

function heapAfterGc(): number | undefined {
  if (!gc) return undefined;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

interface Build<T> {
  readonly value: T;
  readonly ms: number;
  readonly heapBytes: number | undefined;
}

function measureBuild<T>(build: () => T): Build<T> {
  const before = heapAfterGc();
  const start = process.hrtime.bigint();
  const value = build();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const after = heapAfterGc();
  return {
    value,
    ms,
    heapBytes: before === undefined || after === undefined ? undefined : after - before,
  };
}

/** Median of a few more builds, once the code is warm (the first build also pays JIT). */
function warmBuildMs(build: () => unknown, times: number): number {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    heapAfterGc(); // so a collection left by earlier work does not land in a build
    const start = process.hrtime.bigint();
    build();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

interface Timing {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly meanMicros: number;
  readonly p50Micros: number;
  readonly p99Micros: number;
  readonly maxMicros: number;
  /** Events that took over a millisecond (GC pauses, preemption by other processes). */
  readonly eventsOver1ms: number;
  readonly deliveries: number;
  readonly matchedPerEvent: number;
}

function summarise(latencies: Float64Array, elapsedNs: number, deliveries: number): Timing {
  const sorted = latencies.slice().sort();
  const at = (quantile: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))];
  const events = latencies.length;
  let sum = 0;
  for (const latency of latencies) sum += latency;
  return {
    events,
    seconds: elapsedNs / 1e9,
    eventsPerSecond: events / (elapsedNs / 1e9),
    meanMicros: sum / events / 1e3,
    p50Micros: at(0.5) / 1e3,
    p99Micros: at(0.99) / 1e3,
    maxMicros: sorted[sorted.length - 1] / 1e3,
    eventsOver1ms: events - upperBound(sorted, 1e6),
    deliveries,
    matchedPerEvent: deliveries / events,
  };
}

/** Index of the first element above `value` in a sorted array. */
function upperBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

type SyncMatch = (document: MatchDocument) => readonly unknown[];
type AsyncMatch = (document: MatchDocument) => Promise<readonly unknown[]>;

/** Runs `count` events untimed (documents from the end of the pool); returns ms per event. */
function warmUpSync(documents: readonly MatchDocument[], count: number, match: SyncMatch): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) match(documents[documents.length - 1 - (i % documents.length)]);
  return Number(process.hrtime.bigint() - start) / 1e6 / count;
}

async function warmUpAsync(
  documents: readonly MatchDocument[],
  count: number,
  match: AsyncMatch,
): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    await match(documents[documents.length - 1 - (i % documents.length)]);
  }
  return Number(process.hrtime.bigint() - start) / 1e6 / count;
}

/** `count` events from the start of the pool (cycling), each timed with hrtime. */
function timeSync(documents: readonly MatchDocument[], count: number, match: SyncMatch): Timing {
  const latencies = new Float64Array(count);
  let deliveries = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const document = documents[i % documents.length];
    const before = process.hrtime.bigint();
    const matched = match(document);
    latencies[i] = Number(process.hrtime.bigint() - before);
    deliveries += matched.length;
  }
  return summarise(latencies, Number(process.hrtime.bigint() - start), deliveries);
}

async function timeAsync(
  documents: readonly MatchDocument[],
  count: number,
  match: AsyncMatch,
): Promise<Timing> {
  const latencies = new Float64Array(count);
  let deliveries = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const document = documents[i % documents.length];
    const before = process.hrtime.bigint();
    const matched = await match(document);
    latencies[i] = Number(process.hrtime.bigint() - before);
    deliveries += matched.length;
  }
  return summarise(latencies, Number(process.hrtime.bigint() - start), deliveries);
}

/** How many events fit in the budget, given a pilot's cost per event. */
const withinBudget = (msPerEvent: number, budgetMs: number, max: number, min: number) =>
  Math.max(min, Math.min(max, Math.floor(budgetMs / msPerEvent)));

// ---------------------------------------------------------------------------------------------
// Verification against the reference evaluator

interface Mismatch {
  readonly rule: number;
  readonly guichet: string;
  readonly expected: boolean;
  readonly ruleJson: Rule;
  readonly document: MatchDocument;
}

interface Verification {
  readonly matcher: string;
  readonly documents: number;
  readonly rulesCompared: number;
  readonly rulesExcluded: number;
  readonly exclusions: Record<string, number>;
  readonly pairs: number;
  readonly agreeing: number;
  readonly mismatches: readonly Mismatch[];
}

function referenceMatches(rules: readonly Rule[], document: MatchDocument): number[] {
  const matched: number[] = [];
  for (let i = 0; i < rules.length; i++) if (evaluate(rules[i], document)) matched.push(i);
  return matched;
}

function compare(
  matcher: string,
  guichets: readonly Guichet[],
  coverage: Coverage,
  documents: readonly MatchDocument[],
  expected: readonly (readonly number[])[],
  actual: readonly (readonly number[])[],
): Verification {
  const included = new Set(coverage.included);
  const exclusions: Record<string, number> = {};
  for (const { reason } of coverage.excluded) exclusions[reason] = (exclusions[reason] ?? 0) + 1;
  const mismatches: Mismatch[] = [];
  let disagreeing = 0;
  documents.forEach((document, d) => {
    const want = new Set(expected[d].filter((rule) => included.has(rule)));
    const got = new Set(actual[d]);
    const report = (rule: number, wanted: boolean) => {
      disagreeing++;
      if (mismatches.length < 5) {
        mismatches.push({
          rule,
          guichet: guichets[rule].code,
          expected: wanted,
          ruleJson: guichets[rule].rule,
          document,
        });
      }
    };
    for (const rule of want) if (!got.has(rule)) report(rule, true);
    for (const rule of got) if (!want.has(rule)) report(rule, false);
  });
  const pairs = documents.length * included.size;
  return {
    matcher,
    documents: documents.length,
    rulesCompared: included.size,
    rulesExcluded: coverage.excluded.length,
    exclusions,
    pairs,
    agreeing: pairs - disagreeing,
    mismatches,
  };
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** results.json, formatted as the repository's Prettier would (so `format:check` stays green). */
async function writeResults(results: unknown): Promise<void> {
  const path = join(__dirname, 'results.json');
  const options = (await resolveConfig(path)) ?? {};
  writeFileSync(path, await format(JSON.stringify(results), { ...options, filepath: path }));
}

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const fixed = (value: number, digits: number) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const micros = (value: number) =>
  value >= 1_000 ? int(value) : value >= 100 ? fixed(value, 0) : fixed(value, 1);
const mib = (bytes: number | undefined) =>
  bytes === undefined
    ? 'n/a'
    : Math.abs(bytes) < 1024 * 1024
      ? `${int(bytes / 1024)} KiB`
      : `${fixed(bytes / 1024 / 1024, 1)} MiB`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The run

interface ThroughputRow {
  readonly matcher: string;
  readonly guichets: number;
  readonly rulesEvaluated: number;
  readonly timing: Timing;
}

interface BuildRow {
  readonly matcher: string;
  readonly ms: number;
  readonly warmMs?: number;
  readonly heapBytes: number | undefined;
}

interface ScalingRow {
  readonly guichets: number;
  readonly distinctPredicates: number;
  readonly unanchored: number;
  readonly compileMs: number;
  readonly compileWarmMs: number;
  readonly heapBytes: number | undefined;
  readonly compiled: Timing;
  readonly naive: Timing;
  readonly compiledDeliveriesOnNaiveDocuments: number;
  readonly deliveriesAgree: boolean;
}

async function main(): Promise<void> {
  const config = parseConfig(process.argv.slice(2));
  const started = Date.now();
  log(`config: ${JSON.stringify(config)}; GC: ${gcHow}`);

  // Workload --------------------------------------------------------------------------------
  const territory = buildTerritory(config.seed);
  const guichets = generateGuichets(territory, config.guichets, config.seed);
  const rules = guichets.map((guichet) => guichet.rule);
  const entries = guichets.map((guichet, index) => ({ key: index, rule: guichet.rule }));
  const generator = new DocumentGenerator(territory, guichets, config.seed);
  const pool: DemandMatchDocument[] = generator.many(config.pool);
  const documents: readonly MatchDocument[] = pool;
  const byKind: Record<string, number> = {};
  for (const guichet of guichets) byKind[guichet.kind] = (byKind[guichet.kind] ?? 0) + 1;
  const wishedPerDocument =
    pool.reduce((sum, document) => sum + document.demand.wishedCommunes.length, 0) / pool.length;
  log(
    `${guichets.length} guichets over ${territory.departments.length} departments, ` +
      `${pool.length} distinct documents (${Date.now() - started} ms)`,
  );

  // Builds ----------------------------------------------------------------------------------
  const compiled = measureBuild(() => CompiledMatcher.compile(entries, DEMAND_FIELDS));
  const matcher = compiled.value;
  const compileWarmMs = warmBuildMs(() => CompiledMatcher.compile(entries, DEMAND_FIELDS), 5);
  const stats = matcher.stats();
  const mingo = measureBuild(() => new MingoMatcher(rules, DEMAND_FIELDS));
  const engine = measureBuild(() => new RulesEngineMatcher(rules, DEMAND_FIELDS));
  log(
    `compiled in ${fixed(compiled.ms, 1)} ms (${mib(compiled.heapBytes)}): ${JSON.stringify(stats)}`,
  );

  // Verification ----------------------------------------------------------------------------
  const verifyDocuments = documents.slice(0, config.verify);
  const expected = verifyDocuments.map((document) => referenceMatches(rules, document));
  const everything: Coverage = { included: rules.map((_, index) => index), excluded: [] };
  const compiledCheck = compare(
    'compiled matcher',
    guichets,
    everything,
    verifyDocuments,
    expected,
    verifyDocuments.map((document) => matcher.match(document)),
  );
  if (compiledCheck.mismatches.length > 0) {
    log('STOP: the compiled matcher disagrees with the reference evaluator');
    log(JSON.stringify(compiledCheck.mismatches, null, 2));
    await writeResults({ status: 'compiled matcher disagrees', compiledCheck });
    process.exitCode = 1;
    return;
  }
  const mingoCheck = compare(
    'mingo',
    guichets,
    mingo.value.coverage,
    verifyDocuments,
    expected,
    verifyDocuments.map((document) => mingo.value.match(document)),
  );
  const engineResults: number[][] = [];
  for (const document of verifyDocuments) engineResults.push(await engine.value.match(document));
  const engineCheck = compare(
    'json-rules-engine',
    guichets,
    engine.value.coverage,
    verifyDocuments,
    expected,
    engineResults,
  );
  const verifications = [compiledCheck, mingoCheck, engineCheck];
  for (const check of verifications) {
    log(
      `verify ${check.matcher}: ${int(check.agreeing)} / ${int(check.pairs)} (rule, document) ` +
        `pairs agree over ${check.documents} documents, ${check.rulesExcluded} rules excluded`,
    );
    if (check.mismatches.length > 0) log(JSON.stringify(check.mismatches.slice(0, 2), null, 2));
  }
  log(`verified (${Math.round((Date.now() - started) / 1000)} s)`);

  // The main run ------------------------------------------------------------------------------
  const compiledMatch: SyncMatch = (document) => matcher.match(document);
  warmUpSync(documents, config.warmUp, compiledMatch);
  const main = timeSync(documents, config.events, compiledMatch);
  log(`compiled, ${int(config.events)} events: ${int(main.eventsPerSecond)} events/s`);

  // Same documents, every matcher -----------------------------------------------------------
  const sample = documents.slice(0, config.sample);
  const naiveMatch: SyncMatch = (document) => referenceMatches(rules, document);
  const mingoMatch: SyncMatch = (document) => mingo.value.match(document);
  const engineMatch: AsyncMatch = (document) => engine.value.match(document);

  warmUpSync(documents, config.warmUp, compiledMatch);
  const compiledOnSample = timeSync(sample, sample.length, compiledMatch);
  log(`compiled on the sample: ${int(compiledOnSample.eventsPerSecond)} events/s`);

  const naivePilot = warmUpSync(documents, 300, naiveMatch);
  const naiveCount = withinBudget(naivePilot, config.slowBudgetMs, sample.length, 200);
  const naive = timeSync(sample, naiveCount, naiveMatch);
  log(`naive loop: ${int(naive.eventsPerSecond)} events/s over ${naiveCount}`);

  const mingoPilot = warmUpSync(documents, 300, mingoMatch);
  const mingoCount = withinBudget(mingoPilot, config.slowBudgetMs, sample.length, 200);
  const mingoTiming = timeSync(sample, mingoCount, mingoMatch);
  log(`mingo: ${int(mingoTiming.eventsPerSecond)} events/s over ${mingoCount}`);

  const enginePilot = await warmUpAsync(documents, config.quick ? 30 : 100, engineMatch);
  const engineCount = withinBudget(enginePilot, config.slowBudgetMs, sample.length, 100);
  const engineTiming = await timeAsync(sample, engineCount, engineMatch);
  log(`json-rules-engine: ${int(engineTiming.eventsPerSecond)} events/s over ${engineCount}`);

  // Sanity: same deliveries as the reference over the naive loop's documents.
  let compiledDeliveries = 0;
  const deliveriesByKind: Record<string, number> = {};
  for (let i = 0; i < naiveCount; i++) {
    const matched = matcher.match(sample[i]);
    compiledDeliveries += matched.length;
    for (const index of matched) {
      const kind = guichets[index].kind;
      deliveriesByKind[kind] = (deliveriesByKind[kind] ?? 0) + 1;
    }
  }
  const sanity = {
    documents: naiveCount,
    compiledDeliveries,
    referenceDeliveries: naive.deliveries,
    equal: compiledDeliveries === naive.deliveries,
  };
  log(`sanity: ${JSON.stringify(sanity)}`);

  const throughput: ThroughputRow[] = [
    {
      matcher: 'compiled matcher',
      guichets: guichets.length,
      rulesEvaluated: rules.length,
      timing: main,
    },
    {
      matcher: 'compiled matcher (sample)',
      guichets: guichets.length,
      rulesEvaluated: rules.length,
      timing: compiledOnSample,
    },
    {
      matcher: 'naive loop (reference evaluate)',
      guichets: guichets.length,
      rulesEvaluated: rules.length,
      timing: naive,
    },
    {
      matcher: 'mingo (Query.test per rule)',
      guichets: guichets.length,
      rulesEvaluated: mingo.value.coverage.included.length,
      timing: mingoTiming,
    },
    {
      matcher: 'json-rules-engine (one engine)',
      guichets: guichets.length,
      rulesEvaluated: engine.value.coverage.included.length,
      timing: engineTiming,
    },
  ];

  // Scaling -----------------------------------------------------------------------------------
  const scaling: ScalingRow[] = [];
  for (const size of config.scalingSizes) {
    const sized = generateGuichets(territory, size, config.seed);
    const sizedRules = sized.map((guichet) => guichet.rule);
    const sizedEntries = sized.map((guichet, index) => ({ key: index, rule: guichet.rule }));
    const build = measureBuild(() => CompiledMatcher.compile(sizedEntries, DEMAND_FIELDS));
    const warmMs = warmBuildMs(() => CompiledMatcher.compile(sizedEntries, DEMAND_FIELDS), 3);
    const sizedMatch: SyncMatch = (document) => build.value.match(document);
    warmUpSync(documents, config.warmUp, sizedMatch);
    const sizedTiming = timeSync(documents, config.scalingEvents, sizedMatch);
    const sizedNaive: SyncMatch = (document) => referenceMatches(sizedRules, document);
    const pilot = warmUpSync(documents, 100, sizedNaive);
    const count = withinBudget(pilot, config.scalingNaiveBudgetMs, config.scalingNaiveMax, 100);
    const naiveTiming = timeSync(documents, count, sizedNaive);
    let delivered = 0;
    for (let i = 0; i < count; i++) delivered += build.value.match(documents[i]).length;
    const sizedStats = build.value.stats();
    scaling.push({
      guichets: size,
      distinctPredicates: sizedStats.distinctPredicates,
      unanchored: sizedStats.unanchored,
      compileMs: build.ms,
      compileWarmMs: warmMs,
      heapBytes: build.heapBytes,
      compiled: sizedTiming,
      naive: naiveTiming,
      compiledDeliveriesOnNaiveDocuments: delivered,
      deliveriesAgree: delivered === naiveTiming.deliveries,
    });
    log(
      `scaling ${size}: compiled ${int(sizedTiming.eventsPerSecond)} events/s, ` +
        `naive ${int(naiveTiming.eventsPerSecond)} events/s over ${count}`,
    );
  }

  // Report ------------------------------------------------------------------------------------
  const machine = {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    platform: `${process.platform} ${process.arch}`,
    gc: gcHow,
  };
  const workload = {
    seed: config.seed,
    departments: territory.departments.length,
    communes: territory.departments.reduce((sum, d) => sum + d.communes.length, 0),
    guichets: guichets.length,
    byKind,
    matcherStats: stats,
    distinctDocuments: pool.length,
    wishedCommunesPerDocument: wishedPerDocument,
    matchedPerEvent: main.matchedPerEvent,
    matchedPerEventByKind: Object.fromEntries(
      Object.entries(deliveriesByKind)
        .sort(([, a], [, b]) => b - a)
        .map(([kind, count]) => [kind, count / naiveCount]),
    ),
  };
  const builds: BuildRow[] = [
    {
      matcher: 'compiled matcher',
      ms: compiled.ms,
      warmMs: compileWarmMs,
      heapBytes: compiled.heapBytes,
    },
    { matcher: 'mingo (1 Query per rule)', ms: mingo.ms, heapBytes: mingo.heapBytes },
    { matcher: 'json-rules-engine (1 engine)', ms: engine.ms, heapBytes: engine.heapBytes },
  ];
  const results = {
    status: 'ok',
    generatedAt: new Date().toISOString(),
    runSeconds: (Date.now() - started) / 1000,
    machine,
    config,
    workload,
    builds,
    verification: verifications,
    sanity,
    throughput,
    scaling,
  };
  await writeResults(results);

  const naiveRate = naive.eventsPerSecond;
  const out: string[] = [];
  out.push(
    `# Matcher benchmark\n\n${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ` +
      `${guichets.length} guichets, ${int(workload.communes)} communes, ` +
      `${fixed(main.matchedPerEvent, 2)} guichets matched per event on average (` +
      Object.entries(workload.matchedPerEventByKind)
        .map(([kind, perEvent]) => `${kind} ${fixed(perEvent, 2)}`)
        .join(', ') +
      ').\n',
  );
  out.push('## Throughput and latency (same documents; per-event latency)\n');
  out.push(
    table(
      [
        'Matcher',
        'Rules',
        'Events timed',
        'Events/s',
        'Mean µs',
        'p50 µs',
        'p99 µs',
        'Max µs',
        'Events > 1 ms',
        'vs naive',
      ],
      throughput.map(({ matcher: name, rulesEvaluated, timing }) => [
        name,
        int(rulesEvaluated),
        int(timing.events),
        int(timing.eventsPerSecond),
        micros(timing.meanMicros),
        micros(timing.p50Micros),
        micros(timing.p99Micros),
        micros(timing.maxMicros),
        int(timing.eventsOver1ms),
        `${fixed(timing.eventsPerSecond / naiveRate, timing.eventsPerSecond >= naiveRate ? 0 : 2)}×`,
      ]),
    ),
  );
  out.push('\n## Build\n');
  out.push(
    table(
      ['Matcher', 'Build ms (first)', 'Build ms (warm median)', 'Heap after GC'],
      builds.map((build) => [
        build.matcher,
        fixed(build.ms, 1),
        build.warmMs === undefined ? '—' : fixed(build.warmMs, 1),
        mib(build.heapBytes),
      ]),
    ),
  );
  out.push('\n## Agreement with the reference evaluator\n');
  out.push(
    table(
      ['Matcher', 'Documents', 'Rules compared', 'Agreeing pairs', 'Excluded rules'],
      verifications.map((check) => [
        check.matcher,
        int(check.documents),
        int(check.rulesCompared),
        `${int(check.agreeing)} / ${int(check.pairs)}`,
        check.rulesExcluded === 0
          ? '0'
          : Object.entries(check.exclusions)
              .map(([reason, count]) => `${count}: ${reason}`)
              .join('; '),
      ]),
    ),
  );
  out.push(
    `\nSanity: over ${int(sanity.documents)} documents the compiled matcher delivers ` +
      `${int(sanity.compiledDeliveries)} times, the reference ${int(sanity.referenceDeliveries)} ` +
      `(${sanity.equal ? 'equal' : 'DIFFERENT'}).\n`,
  );
  out.push('## Scaling with the number of guichets\n');
  out.push(
    table(
      [
        'Guichets',
        'Compile ms (first / warm)',
        'Heap',
        'Compiled events/s',
        'Compiled p50 / p99 µs',
        'Compiled mean µs per delivery',
        'Naive events/s (events)',
        'Naive p50 µs',
        'Speed-up',
        'Matched/event',
        'Deliveries equal',
      ],
      scaling.map((row) => [
        int(row.guichets),
        `${fixed(row.compileMs, 1)} / ${fixed(row.compileWarmMs, 1)}`,
        mib(row.heapBytes),
        int(row.compiled.eventsPerSecond),
        `${micros(row.compiled.p50Micros)} / ${micros(row.compiled.p99Micros)}`,
        fixed(row.compiled.meanMicros / row.compiled.matchedPerEvent, 2),
        `${int(row.naive.eventsPerSecond)} (${int(row.naive.events)})`,
        micros(row.naive.p50Micros),
        `${fixed(row.compiled.eventsPerSecond / row.naive.eventsPerSecond, 0)}×`,
        fixed(row.compiled.matchedPerEvent, 2),
        row.deliveriesAgree ? 'yes' : 'NO',
      ]),
    ),
  );
  out.push(`\nTotal run time: ${fixed(results.runSeconds, 0)} s.`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
