/**
 * The end-to-end dispatch benchmark: demand events published to Kafka, dispatched by the real
 * dispatching app (in process, on the local stack), read back from every guichet's delivery log;
 * throughput and latency, beside the raw kafkajs produce-and-consume ceiling on the same broker.
 *
 *   node -r @swc-node/register bench/dispatch/run.ts [--events N] [--guichets G] [--repeat R]
 *   npm run bench:dispatch -- [--events N] [--guichets G]
 *
 * Options: --events N (events of each max-throughput run at most, default 20,000), --max-seconds S
 * (its time limit, default 150: the events not sent by then are not sent), --backlog B (events it
 * keeps ahead of the dispatcher at most, default 2,000: room for its batches), --guichets G
 * (default 200), --repeat R (max-throughput + fixed-rate pairs on the same set-up, default 1),
 * --rate E (events/s of the fixed-rate run; default half the dispatcher's capacity at the end of
 * the max run),
 * --fixed-seconds S (length of the fixed-rate run, default 60), --ceiling-seconds S (fixed-rate
 * ceiling, default 30), --batch B (messages per producer request, default 100), --warm-up W
 * (events, default 100), --seed S, --concurrency C (partitions dispatched at once, default the
 * app's DISPATCH_CONCURRENCY), --no-breakdown (no timing of the dispatcher's steps), --keep
 * (no clean-up).
 *
 * The dispatching app runs on the main thread, alone on its event loop as in production; the
 * benchmark's producer and readers run in a worker thread of the same process (this same file),
 * so their decoding does not queue behind the dispatcher's work. Progress goes to stderr, the
 * Markdown tables to stdout, everything to bench/dispatch/results.json. Topics, consumer groups,
 * Redis keys and the database of the run are deleted at the end.
 */
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  type CloudEvent,
  createEvent,
  type DemandEventData,
  type DemandEventType,
  DemandEventTypes,
  type DemandSnapshot,
  type DemandState,
  deliveryIdOf,
  encodeEvent,
  type GuichetDelivery,
  guichetDeliveryTopic,
  Topics,
} from '@sne/contracts';
import { formatNumeroUnique } from '@sne/domain';
import { EventPublisher, type RawMessage } from '@sne/kafka';
import { boundToTerritory, evaluate, type MatchDocument, type Rule } from '@sne/matching';
import { MONGO_CONNECTION } from '@sne/persistence';
import {
  appEnv,
  type Isolation,
  isolate,
  operatorAuth,
  TestKafka,
  type TestStack,
  testStack,
  waitFor,
} from '@sne/testing';
import { Redis } from 'ioredis';
import { type Admin, type Consumer, Kafka, logLevel, type Producer } from 'kafkajs';
import type { Connection } from 'mongoose';
import { AsyncLocalStorage } from 'node:async_hooks';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { AppModule } from '../../apps/dispatching/src/app.module';
import { dispatchingEnv, loadDispatchingConfig } from '../../apps/dispatching/src/config';
import { DemandStateRepository } from '../../apps/dispatching/src/dispatch/demand-state.repository';
import {
  DispatcherService,
  toDeliveryMessage,
} from '../../apps/dispatching/src/dispatch/dispatcher.service';
import { matchDocument } from '../../apps/dispatching/src/dispatch/match-document';
import { RecentEventsRepository } from '../../apps/dispatching/src/dispatch/recent-events.repository';
import { SubscriptionIndex } from '../../apps/dispatching/src/dispatch/subscription-index';
import {
  buildTerritory,
  type DemandMatchDocument,
  DocumentGenerator,
  generateGuichets,
  type Guichet as WorkloadGuichet,
  type GuichetKind,
  Random,
} from '../matching/workload';
import { positiveIntegerOption, writeResults } from '../cli';

// ---------------------------------------------------------------------------------------------
// Configuration

interface Config {
  readonly events: number;
  readonly guichets: number;
  readonly repeat: number;
  /** Events/s of the fixed-rate run; undefined: `rateFraction` of the max just measured. */
  readonly rate: number | undefined;
  readonly rateFraction: number;
  readonly fixedSeconds: number;
  readonly ceilingSeconds: number;
  readonly batch: number;
  readonly warmUp: number;
  /** Max-throughput runs: events sent ahead of the dispatcher at most, and a time limit. */
  readonly backlog: number;
  readonly maxSeconds: number;
  readonly seed: number;
  readonly breakdown: boolean;
  /** Partitions the dispatcher handles at the same time (DISPATCH_CONCURRENCY). */
  readonly concurrency: number;
  readonly keep: boolean;
}

function parseConfig(argv: readonly string[]): Config {
  const valueOf = (flag: string) => positiveIntegerOption(argv, flag);
  return {
    events: valueOf('--events') ?? 20_000,
    guichets: valueOf('--guichets') ?? 200,
    repeat: valueOf('--repeat') ?? 1,
    rate: valueOf('--rate'),
    rateFraction: 0.5,
    fixedSeconds: valueOf('--fixed-seconds') ?? 60,
    ceilingSeconds: valueOf('--ceiling-seconds') ?? 30,
    batch: valueOf('--batch') ?? 100,
    warmUp: valueOf('--warm-up') ?? 100,
    backlog: valueOf('--backlog') ?? 2_000,
    maxSeconds: valueOf('--max-seconds') ?? 150,
    seed: valueOf('--seed') ?? 20_240_601,
    breakdown: !argv.includes('--no-breakdown'),
    concurrency: valueOf('--concurrency') ?? Number(dispatchingEnv.DISPATCH_CONCURRENCY.default),
    keep: argv.includes('--keep'),
  };
}

const log = (message: string) => process.stderr.write(`${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const errorText = (error: unknown) =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);

/** The demand event types; a quarter of the guichets leave processing events out. */
const ALL_DEMAND_EVENTS: readonly string[] = Object.values(DemandEventTypes);
const READER_GROUP = 'bench.reader';
const CEILING_GROUP = 'bench.ceiling-reader';
const CEILING_TOPIC = 'bench.ceiling.v1';
/** Partitions of the ceiling topic: those of a guichet's delivery log (DeliveryTopics). */
const CEILING_PARTITIONS = 3;

// ---------------------------------------------------------------------------------------------
// Between the main thread (the app) and the client thread (producer and readers)

type Pace =
  | {
      readonly kind: 'max';
      /** Events sent ahead of the dispatcher at most (absent: no limit, for the ceiling). */
      readonly backlog?: number;
      /** Stop sending after this long (the events left are not sent). */
      readonly maxSeconds?: number;
    }
  | { readonly kind: 'rate'; readonly perSecond: number };

interface ClientSettings {
  readonly brokers: readonly string[];
  readonly sasl?: TestStack['kafkaAdmin'];
  readonly topicPrefix: string;
  /** Prefixed names. */
  readonly demandTopic: string;
  readonly deliveryTopics: readonly string[];
  readonly ceilingTopic: string;
  readonly batch: number;
  /** Int32 [0]: events the dispatcher has handled, counted by the main thread. */
  readonly dispatched: SharedArrayBuffer;
}

type Request =
  | {
      readonly kind: 'publish';
      readonly phase: string;
      readonly events: CloudEvent[];
      readonly pace: Pace;
    }
  | {
      readonly kind: 'ceiling';
      readonly phase: string;
      readonly sourcePhase: string;
      /** The deliveries to imitate: index of the event in `sourcePhase`, guichet code. */
      readonly pairs: ReadonlyArray<readonly [number, string]>;
      readonly pace: Pace;
    }
  | { readonly kind: 'drain' }
  | { readonly kind: 'report'; readonly phase: string; readonly withIds: boolean }
  | { readonly kind: 'usage' }
  | { readonly kind: 'stop' };

interface Published {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly requests: number;
  /** The `time` each event sent was sent with, in order: fewer than asked if time ran out. */
  readonly times: string[];
  readonly meanBytes: number;
}

interface CeilingSent {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly requests: number;
  readonly messages: number;
  readonly meanBytes: number;
  readonly received: number;
}

interface Drained {
  readonly inLogs: number;
  readonly consumed: number;
  readonly caughtUp: boolean;
}

interface TallyReport {
  readonly received: number;
  readonly duplicates: number;
  readonly duplicateExamples: string[];
  readonly latencies: Float64Array;
  readonly firstReceivedAt: number;
  readonly lastReceivedAt: number;
  readonly meanBytes: number;
  readonly deliveryIds: string[];
}

interface LoopUsage {
  readonly idle: number;
  readonly active: number;
}

interface Response {
  readonly id: number;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: string;
}

// ---------------------------------------------------------------------------------------------
// The client thread: one plain producer, one reader of every delivery log, one ceiling reader

class Tally {
  private readonly latencies: number[] = [];
  private readonly ids = new Set<string>();
  private duplicates = 0;
  private readonly duplicateExamples: string[] = [];
  private firstReceivedAt = 0;
  private lastReceivedAt = 0;
  private bytes = 0;

  get received(): number {
    return this.latencies.length;
  }

  record(id: string, sentAt: number, receivedAt: number, bytes: number, keepId: boolean): void {
    this.latencies.push(receivedAt - sentAt);
    this.bytes += bytes;
    if (this.firstReceivedAt === 0) this.firstReceivedAt = receivedAt;
    this.lastReceivedAt = Math.max(this.lastReceivedAt, receivedAt);
    if (!keepId) return;
    if (this.ids.has(id)) {
      this.duplicates++;
      if (this.duplicateExamples.length < 10) this.duplicateExamples.push(id);
    } else {
      this.ids.add(id);
    }
  }

  report(withIds: boolean): TallyReport {
    return {
      received: this.latencies.length,
      duplicates: this.duplicates,
      duplicateExamples: this.duplicateExamples,
      latencies: Float64Array.from(this.latencies),
      firstReceivedAt: this.firstReceivedAt,
      lastReceivedAt: this.lastReceivedAt,
      meanBytes: this.latencies.length ? this.bytes / this.latencies.length : 0,
      deliveryIds: withIds ? [...this.ids] : [],
    };
  }
}

async function runClient(settings: ClientSettings): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('the client runs in a worker thread');
  const kafka = new Kafka({
    clientId: `${settings.topicPrefix}bench`,
    brokers: [...settings.brokers],
    logLevel: logLevel.NOTHING,
    ...(settings.sasl ? { sasl: { ...settings.sasl } } : {}),
  });
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
  const admin: Admin = kafka.admin();
  const reader: Consumer = kafka.consumer({
    groupId: `${settings.topicPrefix}${READER_GROUP}`,
    maxWaitTimeInMs: 500,
    allowAutoTopicCreation: false,
  });
  const ceilingReader: Consumer = kafka.consumer({
    groupId: `${settings.topicPrefix}${CEILING_GROUP}`,
    maxWaitTimeInMs: 500,
    allowAutoTopicCreation: false,
  });
  await Promise.all([
    producer.connect(),
    admin.connect(),
    reader.connect(),
    ceilingReader.connect(),
  ]);

  const tallies = new Map<string, Tally>();
  const tallyOf = (phase: string) => {
    let tally = tallies.get(phase);
    if (!tally) {
      tally = new Tally();
      tallies.set(phase, tally);
    }
    return tally;
  };
  /** Event id → phase, for the deliveries; events in order, per phase, for the ceiling. */
  const phaseOfEvent = new Map<string, string>();
  const sentEvents = new Map<string, CloudEvent[]>();
  let consumed = 0;
  let ceilingPhase = 'ceiling';
  let ceilingReceived = 0;
  const unknown = tallyOf('unknown');

  const joined = (consumer: Consumer) =>
    new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  const readerJoined = joined(reader);
  const ceilingJoined = joined(ceilingReader);
  await reader.subscribe({ topics: [...settings.deliveryTopics], fromBeginning: true });
  await ceilingReader.subscribe({ topics: [settings.ceilingTopic], fromBeginning: true });
  await reader.run({
    eachBatch: ({ batch }) => {
      const receivedAt = Date.now();
      for (const message of batch.messages) {
        consumed++;
        if (!message.value) continue;
        const delivery = JSON.parse(message.value.toString('utf8')) as GuichetDelivery;
        const phase = phaseOfEvent.get(delivery.event.id);
        (phase ? tallyOf(phase) : unknown).record(
          delivery.deliveryId,
          Date.parse(delivery.event.time),
          receivedAt,
          message.value.length,
          true,
        );
      }
      return Promise.resolve();
    },
  });
  await ceilingReader.run({
    eachBatch: ({ batch }) => {
      const receivedAt = Date.now();
      const tally = tallyOf(ceilingPhase);
      for (const message of batch.messages) {
        ceilingReceived++;
        if (!message.value) continue;
        const delivery = JSON.parse(message.value.toString('utf8')) as GuichetDelivery;
        tally.record(
          delivery.deliveryId,
          Date.parse(delivery.event.time),
          receivedAt,
          message.value.length,
          false,
        );
      }
      return Promise.resolve();
    },
  });
  await Promise.all([readerJoined, ceilingJoined]);

  /** Sends `count` messages made at send time, in requests of `batch`, at the pace asked. */
  const paced = async (
    topic: string,
    count: number,
    pace: Pace,
    make: (index: number, time: string) => RawMessage,
  ) => {
    let requests = 0;
    let bytes = 0;
    let sent = 0;
    const dispatched = new Int32Array(settings.dispatched);
    const dispatchedBefore = Atomics.load(dispatched, 0);
    const send = async (from: number, to: number) => {
      const time = new Date().toISOString();
      const messages = [];
      for (let i = from; i < to; i++) {
        const message = make(i, time);
        bytes += message.value.length;
        messages.push(message);
      }
      requests++;
      await producer.send({ topic, acks: -1, messages });
      sent = to;
    };
    const startedAt = Date.now();
    if (pace.kind === 'max') {
      // As fast as the dispatcher takes them: a batch whenever fewer than `backlog` events wait.
      const deadline = startedAt + (pace.maxSeconds ?? Infinity) * 1000;
      const backlog = pace.backlog ?? Infinity;
      while (sent < count && Date.now() < deadline) {
        const waiting = sent - (Atomics.load(dispatched, 0) - dispatchedBefore);
        if (waiting + settings.batch <= backlog || waiting <= 0) {
          await send(sent, Math.min(count, sent + settings.batch));
        } else {
          await sleep(5);
        }
      }
    } else {
      // Each tick sends the messages due by now (at most a batch): a steady rate on average.
      while (sent < count) {
        const due = Math.min(
          count,
          Math.floor(((Date.now() - startedAt) * pace.perSecond) / 1000) + 1,
          sent + settings.batch,
        );
        if (due > sent) {
          await send(sent, due);
        } else {
          await sleep(Math.max(0, startedAt + (sent * 1000) / pace.perSecond - Date.now()));
        }
      }
    }
    return { startedAt, endedAt: Date.now(), requests, sent, meanBytes: sent ? bytes / sent : 0 };
  };

  const handle = async (request: Request): Promise<unknown> => {
    switch (request.kind) {
      case 'publish': {
        const times: string[] = new Array<string>(request.events.length);
        const stamped: CloudEvent[] = new Array<CloudEvent>(request.events.length);
        for (const event of request.events) phaseOfEvent.set(event.id, request.phase);
        tallyOf(request.phase);
        const sent = await paced(
          settings.demandTopic,
          request.events.length,
          request.pace,
          (i, time) => {
            const event: CloudEvent = { ...request.events[i], time };
            stamped[i] = event;
            times[i] = time;
            return encodeEvent(event);
          },
        );
        sentEvents.set(request.phase, stamped.slice(0, sent.sent));
        return { ...sent, times: times.slice(0, sent.sent) } satisfies Published;
      }
      case 'ceiling': {
        const events = sentEvents.get(request.sourcePhase);
        if (!events) throw new Error(`no events sent in ${request.sourcePhase}`);
        ceilingPhase = request.phase;
        const tally = tallyOf(request.phase);
        const sent = await paced(
          settings.ceilingTopic,
          request.pairs.length,
          request.pace,
          (i, time) => {
            const [index, guichetCode] = request.pairs[i];
            const event: CloudEvent = { ...events[index], time };
            return toDeliveryMessage({
              deliveryId: deliveryIdOf(event.id, guichetCode),
              guichetCode,
              subscriptionVersion: 1,
              dispatchedAt: time,
              event,
            });
          },
        );
        await waitFor(() => tally.received >= request.pairs.length, {
          timeoutMs: 120_000,
          intervalMs: 50,
          description: `${request.pairs.length} ceiling messages read back`,
        });
        return { ...sent, messages: sent.sent, received: tally.received } satisfies CeilingSent;
      }
      case 'drain': {
        // Every delivery log read to its end: the sum of the logs' end offsets, all phases.
        const ends = await mapLimit(settings.deliveryTopics, 16, (topic) =>
          admin.fetchTopicOffsets(topic),
        );
        const inLogs = ends
          .flat()
          .reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
        const caughtUp = await waitFor(() => consumed >= inLogs, {
          timeoutMs: 60_000,
          intervalMs: 50,
          description: `the reader at the end of every delivery log (${consumed}/${inLogs})`,
        }).then(
          () => true,
          () => false,
        );
        return { inLogs, consumed, caughtUp } satisfies Drained;
      }
      case 'report':
        return tallyOf(request.phase).report(request.withIds);
      case 'usage': {
        const usage = performance.eventLoopUtilization();
        return { idle: usage.idle, active: usage.active } satisfies LoopUsage;
      }
      case 'stop':
        await Promise.all([reader.disconnect(), ceilingReader.disconnect()]);
        await Promise.all([producer.disconnect(), admin.disconnect()]);
        return { consumed, ceilingReceived, unknown: unknown.received };
    }
  };

  port.on('message', (message: { id: number; request: Request }) => {
    handle(message.request).then(
      (result) => port.postMessage({ id: message.id, ok: true, result } satisfies Response),
      (error: unknown) =>
        port.postMessage({ id: message.id, ok: false, error: errorText(error) } satisfies Response),
    );
  });
  port.postMessage({ id: 0, ok: true } satisfies Response);
}

async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await task(items[i]);
  });
  await Promise.all(lanes);
  return results;
}

/** The main thread's handle on the client thread. */
class Client {
  private readonly worker: Worker;
  private readonly pending = new Map<number, (response: Response) => void>();
  private nextId = 1;
  readonly ready: Promise<void>;

  constructor(settings: ClientSettings) {
    this.worker = new Worker(__filename, { workerData: settings });
    this.ready = new Promise((resolve, reject) => {
      this.pending.set(0, (response) =>
        response.ok ? resolve() : reject(new Error(response.error)),
      );
      this.worker.once('error', reject);
    });
    this.worker.on('message', (response: Response) => {
      const resolve = this.pending.get(response.id);
      this.pending.delete(response.id);
      resolve?.(response);
    });
  }

  private call<T>(request: Request): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, (response) =>
        response.ok ? resolve(response.result as T) : reject(new Error(response.error)),
      );
      this.worker.postMessage({ id, request });
    });
  }

  publish(phase: string, events: CloudEvent[], pace: Pace): Promise<Published> {
    return this.call({ kind: 'publish', phase, events, pace });
  }

  ceiling(
    phase: string,
    sourcePhase: string,
    pairs: ReadonlyArray<readonly [number, string]>,
    pace: Pace,
  ): Promise<CeilingSent> {
    return this.call({ kind: 'ceiling', phase, sourcePhase, pairs, pace });
  }

  drain(): Promise<Drained> {
    return this.call({ kind: 'drain' });
  }

  report(phase: string, withIds: boolean): Promise<TallyReport> {
    return this.call({ kind: 'report', phase, withIds });
  }

  usage(): Promise<LoopUsage> {
    return this.call({ kind: 'usage' });
  }

  async stop(): Promise<void> {
    await this.call({ kind: 'stop' }).catch(() => undefined);
    await this.worker.terminate();
  }
}

// ---------------------------------------------------------------------------------------------
// Demand events from the matching workload

const LAST_NAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Petit', 'Durand', 'Diallo'];
const FIRST_NAMES = ['Camille', 'Léa', 'Hugo', 'Chloé', 'Noémie', 'Théo', 'Inès', 'Mohamed', 'Zoé'];
const HOUSING = ['locataire HLM', 'locataire privé', 'hébergé chez un tiers', 'sans abri', 'foyer'];

const DAY_MS = 24 * 3600 * 1000;

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A birth date giving exactly `age` whole years at `at` (ageAt in match-document.ts). */
function birthDate(age: number, at: Date, random: Random): string {
  const anniversary = Date.UTC(at.getUTCFullYear() - age, at.getUTCMonth(), at.getUTCDate());
  return isoDate(new Date(anniversary - random.int(1, 300) * DAY_MS));
}

/** A deposit date giving exactly `months` whole months at `at` (monthsSince). */
function depositDate(months: number, at: Date): string {
  return isoDate(
    new Date(
      Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - months, Math.min(at.getUTCDate(), 28)),
    ),
  );
}

interface DemandIdentity {
  /** The event (counted from 1) that first named this demand. */
  readonly firstEvent: number;
  readonly numeroUnique: string;
  readonly guichetCode: string;
  readonly depositDate: string;
  version: number;
}

/** Share of the events other than registrations that are about a demand already seen. */
const KNOWN_DEMAND_SHARE = 0.85;

/**
 * Turns the workload's match documents into demand events: a `DemandSnapshot` whose fields give
 * that document back through matchDocument(), wrapped in a CloudEvent. Registrations open a new
 * demand; most other events are the next version of a demand already seen in the same department
 * (as in production, where the dispatcher's projection knows the demands that have events), the
 * rest the first sight of a demand of the stock.
 */
class EventFactory {
  private readonly random: Random;
  private readonly known = new Map<string, DemandIdentity[]>();
  private sequence = 0;

  constructor(
    private readonly generator: DocumentGenerator,
    seed: number,
    private readonly at: Date,
  ) {
    this.random = new Random(seed ^ 0xe7e);
  }

  /** Events made so far. */
  made = 0;

  /** Forgets the demands first named by events after the `count`th (made, but never sent). */
  forgetAfter(count: number): void {
    for (const [department, identities] of this.known) {
      this.known.set(
        department,
        identities.filter((identity) => identity.firstEvent <= count),
      );
    }
  }

  next(): {
    event: CloudEvent<DemandEventType, DemandEventData>;
    document: DemandMatchDocument;
    reused: boolean;
  } {
    const document = this.generator.next();
    this.made++;
    const { demand } = document;
    const type = document.event.type as DemandEventType;
    const random = this.random;
    const seen = this.known.get(demand.department) ?? [];
    const reuse =
      type !== DemandEventTypes.Registered && seen.length > 0 && random.chance(KNOWN_DEMAND_SHARE);
    let identity: DemandIdentity;
    if (reuse) {
      identity = random.pick(seen);
      identity.version++;
    } else {
      const deposit = depositDate(demand.seniorityMonths, this.at);
      identity = {
        firstEvent: this.made,
        numeroUnique: formatNumeroUnique({
          department: demand.department,
          depositDate: new Date(`${deposit}T00:00:00Z`),
          sequence: ++this.sequence,
          guichetCode: demand.guichetCode,
        }),
        guichetCode: demand.guichetCode,
        depositDate: deposit,
        version: type === DemandEventTypes.Registered ? 1 : random.int(2, 9),
      };
      seen.push(identity);
      this.known.set(demand.department, seen);
    }
    const snapshot: DemandSnapshot = {
      numeroUnique: identity.numeroUnique,
      version: identity.version,
      state: demand.state as DemandState,
      department: demand.department,
      guichetCode: identity.guichetCode,
      depositDate: identity.depositDate,
      applicant: {
        civility: random.int(1, 2),
        lastName: random.pick(LAST_NAMES),
        firstName: random.pick(FIRST_NAMES),
        birthDate: birthDate(demand.applicantAge, this.at, random),
        nationality: random.chance(0.85) ? 'FR' : 'UE',
      },
      contact: {
        email: `demandeur.${identity.numeroUnique.replace(/ /g, '')}@example.fr`.toLowerCase(),
        mobile: `06${String(random.int(0, 99_999_999)).padStart(8, '0')}`,
      },
      household: { size: demand.householdSize },
      dependants: demand.dependants.map((person) => ({
        kinship: person.kinship,
        birthDate: birthDate(person.age, this.at, random),
      })),
      wishedCommunes: [...demand.wishedCommunes],
      firstChoiceCommune: demand.firstChoiceCommune,
      ...(demand.epci ? { epci: demand.epci } : {}),
      currentHousing: { commune: demand.currentCommune, situation: random.pick(HOUSING) },
      dwellingTypes: [...demand.dwellingTypes],
      monthlyResources: demand.monthlyResources,
      referenceTaxIncome: demand.referenceTaxIncome,
      motives: [...demand.motives],
      dalo: demand.dalo,
      priority: demand.priority,
      socialHousingTenant: demand.socialHousingTenant,
      disability: demand.disability,
      reservationQuotas: [...demand.reservationQuotas],
      ...(demand.radiationMotive
        ? { radiation: { motive: demand.radiationMotive, date: isoDate(this.at) } }
        : {}),
    };
    // The event's guichet: the demand's own most of the time, as in the workload.
    const guichet =
      document.event.guichet === demand.guichetCode ? identity.guichetCode : document.event.guichet;
    const event = createEvent({
      type,
      source: '/sne/registration',
      subject: identity.numeroUnique,
      demandVersion: identity.version,
      guichet,
      correlationId: `bench-${this.sequence}-${identity.version}`,
      data: { demand: snapshot },
      time: this.at,
    });
    return { event, document, reused: reuse };
  }
}

/** Fields whose value matchDocument() gives back differently from the workload's document. */
function fidelity(
  samples: ReadonlyArray<{ event: CloudEvent; document: DemandMatchDocument; reused: boolean }>,
): { documents: number; differences: Record<string, number> } {
  const differences: Record<string, number> = {};
  for (const { event, document, reused } of samples) {
    const built = matchDocument(event, (event.data as DemandEventData).demand).demand as Record<
      string,
      unknown
    >;
    const wanted = document.demand as unknown as Record<string, unknown>;
    const fields = new Set([...Object.keys(built), ...Object.keys(wanted)]);
    for (const field of fields) {
      // A demand seen again keeps its number, guichet and deposit date.
      if (reused && (field === 'guichetCode' || field === 'seniorityMonths')) continue;
      const a = field === 'epci' && wanted[field] === '' ? undefined : wanted[field];
      if (JSON.stringify(a) !== JSON.stringify(built[field])) {
        differences[field] = (differences[field] ?? 0) + 1;
      }
    }
  }
  return { documents: samples.length, differences };
}

// ---------------------------------------------------------------------------------------------
// Guichets and the reference count

interface Subscription {
  readonly code: string;
  readonly kind: GuichetKind;
  readonly eventTypes: readonly string[];
  readonly includeOwnEvents: boolean;
  readonly rule: Rule;
  /** The guichet's territory: the reference bounds the rule with it, as the dispatcher does. */
  readonly departments: readonly string[];
}

/** The operator API's guichet types (cosmetic here: the type plays no part in dispatch). */
const API_TYPE: Record<GuichetKind, string> = {
  landlord: 'landlord',
  municipality: 'municipality',
  epci: 'epci',
  state: 'state-service',
  'department-council': 'state-service',
  reservation: 'reservation-holder',
  association: 'reservation-holder',
  observatory: 'state-service',
  national: 'state-service',
};

function subscriptionsOf(guichets: readonly WorkloadGuichet[], seed: number): Subscription[] {
  const random = new Random(seed ^ 0x5b5);
  return guichets.map((guichet) => ({
    code: guichet.code,
    kind: guichet.kind,
    eventTypes: random.chance(0.25)
      ? ALL_DEMAND_EVENTS.filter((type) => type !== DemandEventTypes.ProcessingEventRecorded)
      : ALL_DEMAND_EVENTS,
    includeOwnEvents: false,
    rule: guichet.rule,
    departments: guichet.departments,
  }));
}

/** What the dispatcher must deliver, by the reference evaluator: `<event id>:<guichet>`. */
function expectedDeliveries(
  events: readonly CloudEvent[],
  subscriptions: readonly Subscription[],
): { ids: Set<string>; pairs: Array<[number, string]> } {
  const ids = new Set<string>();
  const pairs: Array<[number, string]> = [];
  const bounded = new Map(subscriptions.map((each) => [each, boundToTerritory(each, each.rule)]));
  events.forEach((event, index) => {
    let document: MatchDocument | undefined;
    for (const subscription of subscriptions) {
      if (!subscription.eventTypes.includes(event.type)) continue;
      if (!subscription.includeOwnEvents && event.guichet === subscription.code) continue;
      document ??= matchDocument(event, (event.data as DemandEventData).demand);
      if (evaluate(bounded.get(subscription)!, document)) {
        ids.add(deliveryIdOf(event.id, subscription.code));
        pairs.push([index, subscription.code]);
      }
    }
  });
  return { ids, pairs };
}

// ---------------------------------------------------------------------------------------------
// Measurement

interface Latency {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

function latencyOf(values: ArrayLike<number>): Latency {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, maxMs: 0 };
  const at = (quantile: number) => sorted[Math.min(n - 1, Math.floor(quantile * n))];
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count: n,
    meanMs: sum / n,
    p50Ms: at(0.5),
    p90Ms: at(0.9),
    p99Ms: at(0.99),
    maxMs: sorted[n - 1],
  };
}

/** CPU seconds of a process (utime + stime), from /proc. */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine, from /proc/stat. */
function machineCpuSeconds(): { busy: number; total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const ticks = values.map(Number);
  const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const idle = ticks[3] + ticks[4];
  return { busy: (total - idle) / 100, total: total / 100 };
}

function serverPid(name: string): number | undefined {
  const runDir = process.env.SNE_RUN_DIR ?? join(__dirname, '..', '..', '.run');
  try {
    const pid = Number(
      readFileSync(join(runDir, 'pids', `${name}.pid`), 'utf8')
        .trim()
        .split(/\s+/)[0],
    );
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

interface UsageSnapshot {
  readonly at: number;
  readonly app: LoopUsage;
  readonly client: LoopUsage;
  readonly processCpu: number;
  readonly kafka: number | undefined;
  readonly ferretdb: number | undefined;
  readonly machine: { busy: number; total: number };
}

interface Usage {
  readonly seconds: number;
  /** Share of the time each event loop was busy. */
  readonly appLoop: number;
  readonly clientLoop: number;
  /** CPU cores used on average. */
  readonly benchProcessCores: number;
  readonly kafkaCores: number | undefined;
  readonly ferretdbCores: number | undefined;
  readonly machineBusyCores: number;
}

class Probe {
  private readonly kafkaPid = serverPid('kafka');
  private readonly ferretdbPid = serverPid('ferretdb');

  constructor(private readonly client: Client) {}

  async snapshot(): Promise<UsageSnapshot> {
    const app = performance.eventLoopUtilization();
    const cpu = process.cpuUsage();
    return {
      at: Date.now(),
      app: { idle: app.idle, active: app.active },
      client: await this.client.usage(),
      processCpu: (cpu.user + cpu.system) / 1e6,
      kafka: processCpuSeconds(this.kafkaPid),
      ferretdb: processCpuSeconds(this.ferretdbPid),
      machine: machineCpuSeconds(),
    };
  }

  static between(from: UsageSnapshot, to: UsageSnapshot): Usage {
    const seconds = (to.at - from.at) / 1000;
    const loop = (a: LoopUsage, b: LoopUsage) => {
      const active = b.active - a.active;
      const idle = b.idle - a.idle;
      return active + idle > 0 ? active / (active + idle) : 0;
    };
    const cores = (a: number | undefined, b: number | undefined) =>
      a === undefined || b === undefined ? undefined : (b - a) / seconds;
    const machineTotal = to.machine.total - from.machine.total;
    return {
      seconds,
      appLoop: loop(from.app, to.app),
      clientLoop: loop(from.client, to.client),
      benchProcessCores: (to.processCpu - from.processCpu) / seconds,
      kafkaCores: cores(from.kafka, to.kafka),
      ferretdbCores: cores(from.ferretdb, to.ferretdb),
      machineBusyCores:
        machineTotal > 0
          ? ((to.machine.busy - from.machine.busy) / machineTotal) * cpus().length
          : 0,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Where the dispatcher's time goes: its collaborators' methods timed from outside

const STEPS = ['dispatch', 'projection', 'match', 'recentEvents', 'sendBatch', 'between'] as const;
type Step = (typeof STEPS)[number];

interface EventTiming {
  readonly start: number;
  end: number;
  projection: number;
  /** The first event of its demand: the projection's upsert inserts. */
  readonly newDemand: boolean;
  /** Demands in the projection once this event is recorded. */
  readonly projectionSize: number;
}

class PhaseSteps {
  readonly times: Record<Step, number[]> = {
    dispatch: [],
    projection: [],
    match: [],
    recentEvents: [],
    sendBatch: [],
    between: [],
  };
  readonly events: EventTiming[] = [];
}

interface StepRow {
  readonly step: Step;
  readonly calls: number;
  readonly totalMs: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Of the wall time from the first dispatch's start to the last one's end. */
  readonly share: number;
}

/** A tenth of a run, in dispatch order. */
interface Window {
  readonly events: number;
  readonly projectionDemandsAtEnd: number;
  readonly dispatcherEventsPerSecond: number;
  readonly dispatchMeanMs: number;
  readonly projectionNewMeanMs: number | undefined;
  readonly projectionKnownMeanMs: number | undefined;
  readonly otherMeanMs: number;
}

/** Least squares: projection ms = intercept + slope × demands in the projection. */
interface Fit {
  readonly events: number;
  readonly interceptMs: number;
  readonly msPerThousandDemands: number;
}

interface Breakdown {
  readonly events: number;
  readonly wallSeconds: number;
  readonly dispatcherEventsPerSecond: number;
  /** Epoch ms at which the last dispatch of the run ended. */
  readonly lastEndedAt: number;
  readonly projectionDemands: { readonly atStart: number; readonly atEnd: number };
  readonly steps: StepRow[];
  readonly windows: Window[];
  /** Absent with --no-breakdown (the steps are not timed). */
  readonly projectionFit?: { readonly newDemand: Fit; readonly knownDemand: Fit };
}

const mean = (values: readonly number[]) =>
  values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0;

function fit(points: ReadonlyArray<readonly [number, number]>): Fit {
  const n = points.length;
  const mx = mean(points.map(([x]) => x));
  const my = mean(points.map(([, y]) => y));
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { events: n, interceptMs: my - slope * mx, msPerThousandDemands: slope * 1000 };
}

/**
 * Wraps DispatcherService.dispatchAll to count and time the batches handled (the count, shared with
 * the client thread, bounds the backlog of the max-throughput runs), and, with `detailed`, its
 * collaborators (the same singletons DispatcherService holds) to time each step of each batch.
 * Several partitions may be dispatched at once, so each step finds its event through an
 * AsyncLocalStorage; "between" (idle time from one dispatch to the next) is measured only when
 * the dispatcher handles one partition at a time. The projection's size is followed from the
 * demands dispatched (each event upserts its demand).
 */
class DispatchTimer {
  private readonly phases = new Map<string, PhaseSteps>();
  private readonly demands = new Set<string>();
  private readonly context = new AsyncLocalStorage<{
    timings: EventTiming[];
    steps?: PhaseSteps;
  }>();
  private lastEnd = 0;

  constructor(
    app: INestApplication,
    private readonly phaseOf: ReadonlyMap<string, string>,
    private readonly dispatched: Int32Array,
    private readonly detailed: boolean,
    private readonly serial: boolean,
  ) {
    const dispatcher = app.get(DispatcherService);
    const states = app.get(DemandStateRepository);
    const recent = app.get(RecentEventsRepository);
    const index = app.get(SubscriptionIndex);
    const publisher = app.get(EventPublisher);

    const dispatchAll = dispatcher.dispatchAll.bind(dispatcher);
    dispatcher.dispatchAll = async (events) => {
      const start = performance.now();
      // A batch may straddle two phases: its steps count in the phase of its first event.
      const phase = events.length > 0 ? this.phaseOf.get(events[0].id) : undefined;
      const steps = phase ? this.stepsOf(phase) : undefined;
      const timings: EventTiming[] = [];
      for (const event of events) {
        const newDemand = !this.demands.has(event.subject);
        this.demands.add(event.subject);
        if (!steps || !this.phaseOf.has(event.id)) continue;
        const timing = {
          start,
          end: 0,
          projection: 0,
          newDemand,
          projectionSize: this.demands.size,
        };
        steps.events.push(timing);
        timings.push(timing);
      }
      if (steps && this.serial && steps.times.dispatch.length > 0)
        steps.times.between.push(start - this.lastEnd);
      try {
        return await this.context.run({ timings, steps }, () => dispatchAll(events));
      } finally {
        const end = performance.now();
        this.lastEnd = end;
        for (const timing of timings) timing.end = end;
        steps?.times.dispatch.push(end - start);
        Atomics.add(this.dispatched, 0, events.length);
      }
    };
    if (!this.detailed) return;
    const record = states.record.bind(states);
    states.record = (events, at) => this.time('projection', () => record(events, at));
    const recordRecent = recent.record.bind(recent);
    recent.record = (matched) => this.time('recentEvents', () => recordRecent(matched));
    const sendBatch = publisher.sendBatch.bind(publisher);
    publisher.sendBatch = (batches) => this.time('sendBatch', () => sendBatch(batches));
    const match = index.match.bind(index);
    index.match = (document) => {
      const start = performance.now();
      const matched = match(document);
      this.context.getStore()?.steps?.times.match.push(performance.now() - start);
      return matched;
    };
  }

  private stepsOf(phase: string): PhaseSteps {
    let steps = this.phases.get(phase);
    if (!steps) {
      steps = new PhaseSteps();
      this.phases.set(phase, steps);
    }
    return steps;
  }

  private async time<T>(step: Step, run: () => Promise<T>): Promise<T> {
    const { steps, timings = [] } = this.context.getStore() ?? {};
    const start = performance.now();
    try {
      return await run();
    } finally {
      const elapsed = performance.now() - start;
      steps?.times[step].push(elapsed);
      // An event's share of its batch's projection write.
      if (step === 'projection')
        for (const timing of timings) timing.projection = elapsed / timings.length;
    }
  }

  breakdown(phase: string): Breakdown | undefined {
    const steps = this.phases.get(phase);
    const events = steps?.events.filter((timing) => timing.end > 0) ?? [];
    if (!steps || events.length === 0) return undefined;
    const first = events[0];
    const last = events[events.length - 1];
    const wallMs = last.end - first.start;
    const windows: Window[] = [];
    const size = Math.ceil(events.length / 10);
    for (let from = 0; from < events.length; from += size) {
      const part = events.slice(from, from + size);
      const partMs = part[part.length - 1].end - part[0].start;
      const projection = (newDemand: boolean) => {
        if (!this.detailed) return undefined;
        const values = part.filter((t) => t.newDemand === newDemand).map((t) => t.projection);
        return values.length ? mean(values) : undefined;
      };
      windows.push({
        events: part.length,
        projectionDemandsAtEnd: part[part.length - 1].projectionSize,
        dispatcherEventsPerSecond: partMs > 0 ? (part.length / partMs) * 1000 : 0,
        dispatchMeanMs: partMs / part.length,
        projectionNewMeanMs: projection(true),
        projectionKnownMeanMs: projection(false),
        otherMeanMs: (partMs - part.reduce((sum, t) => sum + t.projection, 0)) / part.length,
      });
    }
    const points = (newDemand: boolean) =>
      events
        .filter((t) => t.newDemand === newDemand)
        .map((t) => [t.projectionSize, t.projection] as const);
    return {
      events: events.length,
      wallSeconds: wallMs / 1000,
      dispatcherEventsPerSecond: (events.length / wallMs) * 1000,
      lastEndedAt: performance.timeOrigin + last.end,
      projectionDemands: {
        atStart: first.projectionSize - (first.newDemand ? 1 : 0),
        atEnd: last.projectionSize,
      },
      steps: STEPS.filter((step) => this.detailed || step === 'dispatch' || step === 'between').map(
        (step) => {
          const values = steps.times[step];
          const latency = latencyOf(values);
          const totalMs = values.reduce((sum, value) => sum + value, 0);
          return {
            step,
            calls: values.length,
            totalMs,
            meanMs: latency.meanMs,
            p50Ms: latency.p50Ms,
            p99Ms: latency.p99Ms,
            share: wallMs > 0 ? totalMs / wallMs : 0,
          };
        },
      ),
      windows,
      ...(this.detailed
        ? { projectionFit: { newDemand: fit(points(true)), knownDemand: fit(points(false)) } }
        : {}),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// The run

interface SetUp {
  readonly guichets: number;
  readonly seconds: number;
  readonly create: Latency & {
    readonly totalSeconds: number;
    readonly firstTenthMeanMs: number;
    readonly lastTenthMeanMs: number;
  };
  readonly subscribe: Latency & {
    readonly totalSeconds: number;
    readonly firstTenthMeanMs: number;
    readonly lastTenthMeanMs: number;
  };
  readonly appStartSeconds: number;
  readonly readySeconds: number;
  readonly clientReadySeconds: number;
}

interface Verification {
  readonly events: number;
  readonly expected: number;
  readonly delivered: number;
  readonly distinct: number;
  readonly missing: number;
  readonly unexpected: number;
  readonly duplicates: number;
  readonly equal: boolean;
  readonly examples: { missing: string[]; unexpected: string[]; duplicates: string[] };
}

interface PhaseResult {
  readonly phase: string;
  readonly repetition: number;
  readonly pace: Pace;
  readonly events: number;
  readonly meanEventBytes: number;
  readonly meanDeliveryBytes: number;
  readonly publishSeconds: number;
  readonly publishRequests: number;
  /** First send to the last delivery read. */
  readonly endToEndSeconds: number;
  readonly eventsPerSecond: number;
  readonly deliveriesPerSecond: number;
  readonly deliveriesPerEvent: number;
  readonly latency: Latency;
  readonly verification: Verification;
  readonly usage: Usage;
  readonly breakdown: Breakdown | undefined;
}

interface CeilingResult {
  readonly phase: string;
  readonly repetition: number;
  readonly pace: Pace;
  readonly messages: number;
  readonly meanBytes: number;
  readonly requests: number;
  readonly publishSeconds: number;
  readonly endToEndSeconds: number;
  readonly messagesPerSecond: number;
  readonly latency: Latency;
  readonly usage: Usage;
}

class Mismatch extends Error {}

async function http(
  api: string,
  method: string,
  path: string,
  body: unknown,
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...operatorAuth('bench.dispatch') },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

function spreadOf(values: number[]): Latency & {
  readonly totalSeconds: number;
  readonly firstTenthMeanMs: number;
  readonly lastTenthMeanMs: number;
} {
  const tenth = Math.max(1, Math.floor(values.length / 10));
  const mean = (part: number[]) => part.reduce((sum, value) => sum + value, 0) / part.length;
  return {
    ...latencyOf(values),
    totalSeconds: values.reduce((sum, value) => sum + value, 0) / 1000,
    firstTenthMeanMs: mean(values.slice(0, tenth)),
    lastTenthMeanMs: mean(values.slice(-tenth)),
  };
}

async function createGuichets(
  api: string,
  subscriptions: readonly Subscription[],
  workload: readonly WorkloadGuichet[],
): Promise<{ create: number[]; subscribe: number[] }> {
  const create: number[] = [];
  const subscribe: number[] = [];
  for (const [i, subscription] of subscriptions.entries()) {
    const guichet = workload[i];
    let start = performance.now();
    const created = await http(api, 'POST', '/guichets', {
      code: guichet.code,
      name: `Guichet ${guichet.kind} ${guichet.code}`,
      type: API_TYPE[guichet.kind],
      territory: { departments: guichet.departments },
      referentEmail: `referent.${guichet.code.toLowerCase()}@example.fr`,
      // Kafka only: no webhook, and no pull feed (its writer would read every log again).
      channels: { kafka: { enabled: true }, pull: { enabled: false } },
    });
    create.push(performance.now() - start);
    if (created.status !== 201)
      throw new Error(`POST /guichets ${guichet.code}: ${created.status} ${created.text}`);
    start = performance.now();
    const subscribed = await http(api, 'PUT', `/guichets/${guichet.code}/subscription`, {
      eventTypes: subscription.eventTypes,
      includeOwnEvents: subscription.includeOwnEvents,
      rule: subscription.rule,
    });
    subscribe.push(performance.now() - start);
    if (subscribed.status !== 200) {
      throw new Error(`PUT subscription ${guichet.code}: ${subscribed.status} ${subscribed.text}`);
    }
    if ((i + 1) % 50 === 0 || i + 1 === subscriptions.length) {
      log(
        `  ${i + 1}/${subscriptions.length} guichets (create ${fixed(create.at(-1) ?? 0, 0)} ms, ` +
          `subscribe ${fixed(subscribe.at(-1) ?? 0, 0)} ms for the last one)`,
      );
    }
  }
  return { create, subscribe };
}

/** Resolves when the dispatcher's group has committed every event of the demand topic. */
async function dispatcherCaughtUp(
  admin: Admin,
  isolation: Isolation,
  events: number,
  since: number,
): Promise<void> {
  const topic = `${isolation.topicPrefix}${Topics.DemandEvents}`;
  const groupId = `${isolation.topicPrefix}sne.dispatching`;
  let lastLog = Date.now();
  for (;;) {
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const done = new Map(
      committed[0]?.partitions.map((partition) => [partition.partition, Number(partition.offset)]),
    );
    let behind = 0;
    for (const end of ends)
      behind += Math.max(0, Number(end.high) - Math.max(0, done.get(end.partition) ?? 0));
    if (behind === 0) return;
    if (Date.now() - lastLog >= 10_000) {
      lastLog = Date.now();
      const handled = events - Math.min(events, behind);
      log(
        `  dispatcher: ${handled}/${events} events committed, ` +
          `${fixed(handled / ((Date.now() - since) / 1000), 0)} events/s so far`,
      );
    }
    await sleep(250);
  }
}

function verify(
  events: readonly CloudEvent[],
  expected: ReadonlySet<string>,
  report: TallyReport,
): Verification {
  const got = new Set(report.deliveryIds);
  const missing = [...expected].filter((id) => !got.has(id));
  const unexpected = report.deliveryIds.filter((id) => !expected.has(id));
  return {
    events: events.length,
    expected: expected.size,
    delivered: report.received,
    distinct: got.size,
    missing: missing.length,
    unexpected: unexpected.length,
    duplicates: report.duplicates,
    equal: missing.length === 0 && unexpected.length === 0 && report.duplicates === 0,
    examples: {
      missing: missing.slice(0, 10),
      unexpected: unexpected.slice(0, 10),
      duplicates: report.duplicateExamples,
    },
  };
}

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const fixed = (value: number, digits: number) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (value: number) => (value >= 100 ? int(value) : fixed(value, value >= 10 ? 0 : 1));
const percent = (value: number) => `${fixed(value * 100, 0)} %`;
const cores = (value: number | undefined) => (value === undefined ? 'n/a' : fixed(value, 2));
const paceText = (pace: Pace, unit: string) =>
  pace.kind === 'max'
    ? 'max'
    : `${pace.perSecond >= 100 ? int(pace.perSecond) : fixed(pace.perSecond, 1)} ${unit}/s`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function gitState(): { commit: string; dirtyFilesInAppsAndLibs: number } {
  try {
    const root = join(__dirname, '..', '..');
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'apps', 'libs'], {
      cwd: root,
    })
      .toString()
      .split('\n')
      .filter(Boolean).length;
    return { commit, dirtyFilesInAppsAndLibs: dirty };
  } catch {
    return { commit: 'unknown', dirtyFilesInAppsAndLibs: -1 };
  }
}

async function cleanUp(
  isolation: Isolation,
  kafka: Kafka,
  app: INestApplication | undefined,
  client: Client | undefined,
): Promise<void> {
  await client?.stop().catch((error: unknown) => log(`client stop: ${errorText(error)}`));
  if (app) {
    const connection = app.get<Connection>(MONGO_CONNECTION);
    await connection
      .dropDatabase()
      .catch((error: unknown) => log(`drop database: ${errorText(error)}`));
    await app.close().catch((error: unknown) => log(`app close: ${errorText(error)}`));
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) =>
      topic.startsWith(isolation.topicPrefix),
    );
    for (let i = 0; i < topics.length; i += 100) {
      await admin.deleteTopics({ topics: topics.slice(i, i + 100), timeout: 60_000 });
    }
    const groups = (await admin.listGroups()).groups
      .map((group) => group.groupId)
      .filter((group) => group.startsWith(isolation.topicPrefix));
    if (groups.length > 0) await admin.deleteGroups(groups);
    log(`cleaned up: ${topics.length} topics, ${groups.length} consumer groups`);
  } finally {
    await admin.disconnect();
  }
  const redis = new Redis(testStack().redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${isolation.topicPrefix}*`,
        'COUNT',
        1000,
      );
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    if (deleted > 0) log(`cleaned up: ${deleted} Redis keys`);
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  const config = parseConfig(process.argv.slice(2));
  const started = Date.now();
  const machine = {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map((value) => Number(value.toFixed(2))),
    git: gitState(),
  };
  log(`config: ${JSON.stringify(config)}; machine: ${JSON.stringify(machine)}`);

  // Workload --------------------------------------------------------------------------------
  const territory = buildTerritory(config.seed);
  const workloadGuichets = generateGuichets(territory, config.guichets, config.seed);
  const subscriptions = subscriptionsOf(workloadGuichets, config.seed);
  const factory = new EventFactory(
    new DocumentGenerator(territory, workloadGuichets, config.seed),
    config.seed,
    new Date(),
  );
  const phaseOf = new Map<string, string>();
  const makeEvents = (phase: string, count: number) => {
    const made = Array.from({ length: count }, () => factory.next());
    for (const { event } of made) phaseOf.set(event.id, phase);
    return made;
  };
  const dispatched = new SharedArrayBuffer(4);
  const byKind: Record<string, number> = {};
  for (const guichet of workloadGuichets) byKind[guichet.kind] = (byKind[guichet.kind] ?? 0) + 1;

  const isolation = isolate('bench-dispatch');
  const testKafka = new TestKafka(isolation.topicPrefix);
  let app: INestApplication | undefined;
  let client: Client | undefined;
  let cleaned = false;
  const cleanUpOnce = async () => {
    if (cleaned || config.keep) return;
    cleaned = true;
    await cleanUp(isolation, testKafka.kafka, app, client);
  };
  process.once('SIGINT', () => {
    log('interrupted: cleaning up');
    void cleanUpOnce().finally(() => process.exit(130));
  });
  log(`isolation: ${isolation.topicPrefix} / ${isolation.database}`);

  const phases: PhaseResult[] = [];
  const ceilings: CeilingResult[] = [];
  let setUp: SetUp | undefined;
  let fidelityCheck: ReturnType<typeof fidelity> | undefined;
  let status = 'ok';
  let stopReason: string | undefined;
  const admin = testKafka.kafka.admin();
  try {
    await testKafka.createPlatformTopics();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: `${isolation.topicPrefix}${CEILING_TOPIC}`, numPartitions: CEILING_PARTITIONS },
      ],
    });

    // The app and its guichets ----------------------------------------------------------------
    const setUpStart = performance.now();
    app = await NestFactory.create(
      AppModule.forRoot(
        loadDispatchingConfig(
          appEnv(isolation, { DISPATCH_CONCURRENCY: String(config.concurrency) }),
        ),
      ),
      { logger: false },
    );
    await app.listen(0, '127.0.0.1');
    const api = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const appStartSeconds = (performance.now() - setUpStart) / 1000;
    log(
      `app started in ${fixed(appStartSeconds, 1)} s at ${api}; creating ${subscriptions.length} guichets`,
    );
    const guichetsStart = performance.now();
    const timings = await createGuichets(api, subscriptions, workloadGuichets);
    const guichetsSeconds = (performance.now() - guichetsStart) / 1000;
    const readyStart = performance.now();
    await waitFor(async () => (await fetch(`${api}/health/ready`)).status === 200, {
      timeoutMs: 120_000,
      intervalMs: 200,
      description: 'the dispatching app ready',
    });
    const readySeconds = (performance.now() - readyStart) / 1000;
    const timer = new DispatchTimer(
      app,
      phaseOf,
      new Int32Array(dispatched),
      config.breakdown,
      config.concurrency === 1,
    );

    const clientStart = performance.now();
    client = new Client({
      brokers: testStack().kafkaBrokers,
      ...(testStack().kafkaAdmin ? { sasl: testStack().kafkaAdmin } : {}),
      topicPrefix: isolation.topicPrefix,
      demandTopic: `${isolation.topicPrefix}${Topics.DemandEvents}`,
      deliveryTopics: subscriptions.map(
        (subscription) => `${isolation.topicPrefix}${guichetDeliveryTopic(subscription.code)}`,
      ),
      ceilingTopic: `${isolation.topicPrefix}${CEILING_TOPIC}`,
      batch: config.batch,
      dispatched,
    });
    await client.ready;
    const clientReadySeconds = (performance.now() - clientStart) / 1000;
    setUp = {
      guichets: subscriptions.length,
      seconds: guichetsSeconds,
      create: spreadOf(timings.create),
      subscribe: spreadOf(timings.subscribe),
      appStartSeconds,
      readySeconds,
      clientReadySeconds,
    };
    log(
      `set-up: ${subscriptions.length} guichets in ${fixed(guichetsSeconds, 1)} s ` +
        `(create ${fixed(setUp.create.totalSeconds, 1)} s, subscribe ${fixed(setUp.subscribe.totalSeconds, 1)} s); ` +
        `reader on ${subscriptions.length} logs in ${fixed(clientReadySeconds, 1)} s`,
    );
    const probe = new Probe(client);
    const running = client;

    // One phase: publish, wait for the dispatcher and the reader, verify ------------------------
    const runPhase = async (phase: string, repetition: number, count: number, pace: Pace) => {
      const madeBefore = factory.made;
      const made = makeEvents(phase, count);
      if (!fidelityCheck) fidelityCheck = fidelity(made.slice(0, 2_000));
      log(`${phase}: up to ${int(count)} events at ${paceText(pace, 'events')}`);
      const before = await probe.snapshot();
      const published = await running.publish(
        phase,
        made.map(({ event }) => event as CloudEvent),
        pace,
      );
      const sentCount = published.times.length;
      factory.forgetAfter(madeBefore + sentCount);
      log(
        `  ${int(sentCount)} events published in ` +
          `${fixed((published.endedAt - published.startedAt) / 1000, 1)} s`,
      );
      await dispatcherCaughtUp(admin, isolation, sentCount, published.startedAt);
      const caughtUpAt = Date.now();
      const after = await probe.snapshot();
      const drained = await running.drain();
      if (!drained.caughtUp) {
        log(
          `  the reader did not reach the end of the logs: ${drained.consumed}/${drained.inLogs}`,
        );
      }
      const report = await running.report(phase, true);
      const sent = made
        .slice(0, sentCount)
        .map(({ event }, i): CloudEvent => ({ ...event, time: published.times[i] }));
      const expected = expectedDeliveries(sent, subscriptions);
      const verification = verify(sent, expected.ids, report);
      const breakdown = timer.breakdown(phase);
      // The end: the last delivery read, or the last event handled when it delivered nothing.
      const endedAt = Math.max(report.lastReceivedAt, breakdown?.lastEndedAt ?? caughtUpAt);
      const seconds = (endedAt - published.startedAt) / 1000;
      const result: PhaseResult = {
        phase,
        repetition,
        pace,
        events: sentCount,
        meanEventBytes: published.meanBytes,
        meanDeliveryBytes: report.meanBytes,
        publishSeconds: (published.endedAt - published.startedAt) / 1000,
        publishRequests: published.requests,
        endToEndSeconds: seconds,
        eventsPerSecond: sentCount / seconds,
        deliveriesPerSecond: report.received / seconds,
        deliveriesPerEvent: report.received / sentCount,
        latency: latencyOf(report.latencies),
        verification,
        usage: Probe.between(before, after),
        breakdown,
      };
      phases.push(result);
      log(
        `  ${int(report.received)} deliveries (expected ${int(expected.ids.size)}): ` +
          `${fixed(result.eventsPerSecond, 1)} events/s, ${fixed(result.deliveriesPerSecond, 0)} deliveries/s, ` +
          `p50 ${ms(result.latency.p50Ms)} ms, p99 ${ms(result.latency.p99Ms)} ms, max ${ms(result.latency.maxMs)} ms`,
      );
      if (!verification.equal) {
        throw new Mismatch(
          `${phase}: the dispatcher's deliveries differ from the reference: ${JSON.stringify(verification)}`,
        );
      }
      return { result, pairs: expected.pairs };
    };

    const runCeiling = async (
      phase: string,
      repetition: number,
      sourcePhase: string,
      pairs: ReadonlyArray<readonly [number, string]>,
      pace: Pace,
    ) => {
      if (pairs.length === 0) {
        log(`${phase}: skipped, no deliveries to imitate`);
        return;
      }
      log(
        `${phase}: ${int(pairs.length)} delivery-sized messages at ${paceText(pace, 'messages')}`,
      );
      const before = await probe.snapshot();
      const sent = await running.ceiling(phase, sourcePhase, pairs, pace);
      const after = await probe.snapshot();
      const report = await running.report(phase, false);
      const seconds = (report.lastReceivedAt - sent.startedAt) / 1000;
      const result: CeilingResult = {
        phase,
        repetition,
        pace,
        messages: sent.messages,
        meanBytes: sent.meanBytes,
        requests: sent.requests,
        publishSeconds: (sent.endedAt - sent.startedAt) / 1000,
        endToEndSeconds: seconds,
        messagesPerSecond: report.received / seconds,
        latency: latencyOf(report.latencies),
        usage: Probe.between(before, after),
      };
      ceilings.push(result);
      log(
        `  ${int(result.messagesPerSecond)} messages/s, p50 ${ms(result.latency.p50Ms)} ms, ` +
          `p99 ${ms(result.latency.p99Ms)} ms, max ${ms(result.latency.maxMs)} ms`,
      );
    };

    const maxPace = (maxSeconds: number): Pace => ({
      kind: 'max',
      backlog: config.backlog,
      maxSeconds,
    });
    await runPhase('warm-up', 0, config.warmUp, maxPace(60));
    for (let repetition = 1; repetition <= config.repeat; repetition++) {
      const maxPhase = `max-${repetition}`;
      const max = await runPhase(maxPhase, repetition, config.events, maxPace(config.maxSeconds));
      // The ceiling carries the max run's deliveries (same sizes), cycled up to enough messages
      // for a steady measurement.
      const cycled = (count: number) =>
        Array.from({ length: count }, (_, i) => max.pairs[i % max.pairs.length]);
      const ceilingCount =
        max.pairs.length === 0 ? 0 : Math.min(300_000, Math.max(max.pairs.length, 20_000));
      await runCeiling(`ceiling-max-${repetition}`, repetition, maxPhase, cycled(ceilingCount), {
        kind: 'max',
      });
      // Half the capacity the dispatcher had at the end of the max run (it falls as the
      // projection grows), else half the run's end-to-end rate.
      const lastWindow = max.result.breakdown?.windows.at(-1);
      const capacity = lastWindow?.dispatcherEventsPerSecond ?? max.result.eventsPerSecond;
      const rate =
        config.rate ?? Math.max(0.1, Math.round(capacity * config.rateFraction * 10) / 10);
      const fixedPhase = `fixed-${repetition}`;
      const steady = await runPhase(
        fixedPhase,
        repetition,
        Math.max(1, Math.round(rate * config.fixedSeconds)),
        { kind: 'rate', perSecond: rate },
      );
      // The ceiling at the deliveries/s of the fixed-rate run (at least 20/s, for a sample of
      // some hundreds), same request pattern.
      const messageRate = Math.max(20, Math.round(steady.result.deliveriesPerSecond));
      await runCeiling(
        `ceiling-fixed-${repetition}`,
        repetition,
        maxPhase,
        max.pairs.length === 0 ? [] : cycled(messageRate * config.ceilingSeconds),
        { kind: 'rate', perSecond: messageRate },
      );
    }
  } catch (error) {
    if (error instanceof Mismatch) {
      status = 'deliveries differ from the reference';
      stopReason = error.message;
      log(`STOP: ${error.message}`);
      process.exitCode = 1;
    } else {
      throw error;
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
    const results = {
      status,
      ...(stopReason ? { stopReason } : {}),
      generatedAt: new Date().toISOString(),
      runSeconds: (Date.now() - started) / 1000,
      machine,
      config,
      isolation,
      workload: {
        seed: config.seed,
        guichets: subscriptions.length,
        byKind,
        subscriptionsWithoutProcessingEvents: subscriptions.filter(
          (subscription) => subscription.eventTypes.length < ALL_DEMAND_EVENTS.length,
        ).length,
        channels: 'kafka only (pull feed and webhook disabled)',
        demandTopicPartitions: 3,
        deliveryTopicPartitions: 3,
        fidelity: fidelityCheck,
      },
      setUp,
      phases,
      ceilings,
    };
    await writeResults(join(__dirname, 'results.json'), results).catch((error: unknown) =>
      log(`results.json: ${errorText(error)}`),
    );
    await cleanUpOnce().catch((error: unknown) => log(`clean-up: ${errorText(error)}`));
    if (phases.length > 0)
      process.stdout.write(
        `${markdown(results.setUp, phases, ceilings, config, machine, results.runSeconds)}\n`,
      );
  }
}

function markdown(
  setUp: SetUp | undefined,
  phases: readonly PhaseResult[],
  ceilings: readonly CeilingResult[],
  config: Config,
  machine: { cpu: string; cores: number; node: string },
  runSeconds: number,
): string {
  const out: string[] = [];
  out.push(
    `# Dispatch benchmark\n\n${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ` +
      `${int(config.guichets)} guichets (Kafka channel only); max-throughput runs: up to ` +
      `${int(config.events)} events or ${config.maxSeconds} s, at most ${config.backlog} events ` +
      `ahead of the dispatcher; requests of up to ${config.batch} messages.\n`,
  );
  if (setUp) {
    out.push('## Set-up (one delivery topic per guichet)\n');
    out.push(
      table(
        [
          'Step',
          'Guichets',
          'Total s',
          'Mean ms',
          'p50 ms',
          'p99 ms',
          'First 10 % mean ms',
          'Last 10 % mean ms',
        ],
        [
          ['create (POST /guichets: topic + document)', setUp.create],
          ['subscribe (PUT subscription: matcher rebuilt)', setUp.subscribe],
        ].map(([label, spread]) => {
          const s = spread as SetUp['create'];
          return [
            label as string,
            int(setUp.guichets),
            fixed(s.totalSeconds, 1),
            ms(s.meanMs),
            ms(s.p50Ms),
            ms(s.p99Ms),
            ms(s.firstTenthMeanMs),
            ms(s.lastTenthMeanMs),
          ];
        }),
      ),
    );
    out.push(
      `\nApp start ${fixed(setUp.appStartSeconds, 1)} s; guichets ${fixed(setUp.seconds, 1)} s; ` +
        `reader joined on ${int(setUp.guichets)} logs in ${fixed(setUp.clientReadySeconds, 1)} s.\n`,
    );
  }
  out.push('## End to end: demand event to delivery read from the guichet logs\n');
  out.push(
    table(
      [
        'Run',
        'Pace',
        'Events',
        'Deliveries (= reference)',
        'Per event',
        'Events/s',
        'Deliveries/s',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'Max ms',
        'Published in s',
      ],
      phases.map((phase) => [
        phase.phase,
        paceText(phase.pace, 'events'),
        int(phase.events),
        `${int(phase.verification.delivered)} (${phase.verification.equal ? 'equal' : 'DIFFERENT'})`,
        fixed(phase.deliveriesPerEvent, 2),
        fixed(phase.eventsPerSecond, 1),
        int(phase.deliveriesPerSecond),
        ms(phase.latency.p50Ms),
        ms(phase.latency.p90Ms),
        ms(phase.latency.p99Ms),
        ms(phase.latency.maxMs),
        fixed(phase.publishSeconds, 1),
      ]),
    ),
  );
  out.push('\n## Ceiling: kafkajs producer to one plain topic, one consumer reading it back\n');
  out.push(
    table(
      [
        'Run',
        'Pace',
        'Messages',
        'Mean bytes',
        'Messages/s',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'Max ms',
      ],
      ceilings.map((ceiling) => [
        ceiling.phase,
        paceText(ceiling.pace, 'messages'),
        int(ceiling.messages),
        int(ceiling.meanBytes),
        int(ceiling.messagesPerSecond),
        ms(ceiling.latency.p50Ms),
        ms(ceiling.latency.p90Ms),
        ms(ceiling.latency.p99Ms),
        ms(ceiling.latency.maxMs),
      ]),
    ),
  );
  const timed = config.breakdown
    ? phases.filter((phase) => phase.breakdown && phase.phase !== 'warm-up')
    : [];
  if (timed.length > 0) {
    out.push(
      "\n## Where the dispatcher's time goes (per batch of events, matching per event; ms; share of its wall time)\n",
    );
    out.push(
      table(
        ['Run', 'Dispatcher events/s', ...STEPS.map((step) => `${step} mean / p99 (share)`)],
        timed.map((phase) => {
          const breakdown = phase.breakdown as Breakdown;
          return [
            phase.phase,
            fixed(breakdown.dispatcherEventsPerSecond, 1),
            ...breakdown.steps.map(
              (row) => `${fixed(row.meanMs, 2)} / ${fixed(row.p99Ms, 1)} (${percent(row.share)})`,
            ),
          ];
        }),
      ),
    );
  }
  // By tenth: the max-throughput runs (a fixed-rate run's wall time is mostly waiting).
  for (const phase of timed.filter((row) => row.pace.kind === 'max')) {
    const breakdown = phase.breakdown as Breakdown;
    out.push(
      `\n### ${phase.phase}: by tenth of the run (projection: ${int(breakdown.projectionDemands.atStart)} → ` +
        `${int(breakdown.projectionDemands.atEnd)} demands)\n`,
    );
    out.push(
      table(
        [
          'Tenth',
          'Demands at end',
          'Dispatcher events/s',
          'ms per event',
          'Projection ms per event (new demand)',
          'Projection ms per event (known demand)',
          'Other ms',
        ],
        breakdown.windows.map((window, index) => [
          String(index + 1),
          int(window.projectionDemandsAtEnd),
          fixed(window.dispatcherEventsPerSecond, 1),
          ms(window.dispatchMeanMs),
          window.projectionNewMeanMs === undefined ? '—' : ms(window.projectionNewMeanMs),
          window.projectionKnownMeanMs === undefined ? '—' : ms(window.projectionKnownMeanMs),
          ms(window.otherMeanMs),
        ]),
      ),
    );
    if (!breakdown.projectionFit) continue;
    const { newDemand, knownDemand } = breakdown.projectionFit;
    out.push(
      `\nProjection write per event (its share of its batch's) ≈ ${fixed(newDemand.interceptMs, 1)} ms + ${fixed(newDemand.msPerThousandDemands, 1)} ms per 1,000 demands ` +
        `for a new demand (${int(newDemand.events)} events), ${fixed(knownDemand.interceptMs, 1)} ms + ` +
        `${fixed(knownDemand.msPerThousandDemands, 1)} ms per 1,000 for a known one (${int(knownDemand.events)}).`,
    );
  }
  out.push('\n## Resources during each run (cores on average; event loops: busy share)\n');
  out.push(
    table(
      [
        'Run',
        'Seconds',
        'App loop',
        'Client loop',
        'Bench process',
        'Kafka',
        'FerretDB',
        'Machine busy',
      ],
      [...phases, ...ceilings].map((row) => [
        row.phase,
        fixed(row.usage.seconds, 1),
        percent(row.usage.appLoop),
        percent(row.usage.clientLoop),
        cores(row.usage.benchProcessCores),
        cores(row.usage.kafkaCores),
        cores(row.usage.ferretdbCores),
        `${cores(row.usage.machineBusyCores)} / ${machine.cores}`,
      ]),
    ),
  );
  out.push(`\nTotal run time: ${fixed(runSeconds, 0)} s.`);
  return out.join('\n');
}

if (isMainThread) {
  main().catch((error: unknown) => {
    log(errorText(error));
    process.exitCode = 1;
  });
} else {
  runClient(workerData as ClientSettings).catch((error: unknown) => {
    parentPort?.postMessage({ id: 0, ok: false, error: errorText(error) } satisfies Response);
  });
}
