/**
 * What the audit insert costs a delivery step of the dispatcher. For each event, the dispatcher
 * (apps/dispatching/src/dispatch/dispatcher.service.ts) records one `AuditLog.record(...)` of one
 * entry per selected guichet, beside sending the deliveries to the guichets' topics. With a
 * database, `record` is a mongoose `insertMany` into the app's `audit_outbox` (no secondary
 * index), awaited; the entries are then published to the audit topic and deleted from the
 * outbox by the relay, in the background. Measured here, in one run, on a scratch database of
 * the local FerretDB and scratch topics of the local broker, at batches of 1, 10 and 100 entries
 * (guichets selected per event):
 *
 *  - bare insertMany (baseline): the mongodb driver's `insertMany` of the documents the outbox
 *    holds (same fields and sizes), into a collection with `_id` only;
 *  - AuditLog.record: the entries as the dispatcher builds them (the system actor `dispatcher`,
 *    action `deliver`, channel `kafka`, the event's numéro, the receiving guichet), through an
 *    AuditLog built as AuditModule builds it (its EventPublisher, its relay started); after each
 *    timed stretch the bench waits for the relay to empty the outbox, and reports that too;
 *  - kafkajs send, one topic: one `producer.send` of the batch's delivery messages
 *    (`toDeliveryMessage`) to one scratch topic (idempotent producer, acks -1, no compression,
 *    as EventPublisher sends);
 *  - kafkajs sendBatch, fan-out: the same messages, one to each of N scratch topics of 3
 *    partitions, as the dispatcher's `sendBatch` does;
 *  - audit ∥ fan-out: both at once (`Promise.all`), as in the dispatcher's step.
 *
 *   npm run bench:audit -- [--rounds 3] [--calls N] [--warm-up 5]
 *
 * --calls N: calls timed per path, batch size and round (default 200, 100 and 40 for batches of
 * 1, 10 and 100). The paths take turns within a round (their order rotates from round to round);
 * the figures are the medians over the rounds. Needs the local stack (deploy/local/infra.sh
 * start); Kafka as KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD, else the broker's admin. The
 * scratch database and topics are deleted at the end. Writes bench/dispatch/audit-results.json.
 */
import { AuditLog, type AuditEntry, type SystemActor } from '@sne/audit';
import {
  createEvent,
  type DemandSnapshot,
  deliveryIdOf,
  type GuichetDelivery,
  Topics,
} from '@sne/contracts';
import { EventPublisher, type KafkaSettings, kafkaSettingsFrom, toKafkaConfig } from '@sne/kafka';
import { MetricsService, withCorrelationId } from '@sne/platform';
import { isolate, testStack } from '@sne/testing';
import { CompressionTypes, Kafka, type Message, type Producer } from 'kafkajs';
import mongoose, { type Connection, createConnection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { toDeliveryMessage } from '../../apps/dispatching/src/dispatch/dispatcher.service';
import { positiveIntegerOption, writeResults } from '../cli';

const BATCHES = [1, 10, 100] as const;
const DEFAULT_CALLS: Record<number, number> = { 1: 200, 10: 100, 100: 40 };
const DISPATCHER: SystemActor = { kind: 'system', id: 'dispatcher' };
const FAN_OUT_PARTITIONS = 3;
const APP = 'dispatching';
/** AuditOutbox's collection: emptied by the relay once Kafka has the entries. */
const OUTBOX = 'audit_outbox';

const log = (message: string) => process.stderr.write(`${message}\n`);
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

/** One event as the dispatcher sees it: a demand of Moselle, its snapshot in `data`. */
function anEvent(n: number) {
  const numeroUnique = `057 1226 ${String(100_000 + n).padStart(6, '0')} 10691`;
  const demand: DemandSnapshot = {
    numeroUnique,
    version: 3,
    state: 'active',
    department: '057',
    guichetCode: '10691',
    depositDate: '2026-12-01',
    applicant: {
      civility: 1,
      lastName: 'Bench',
      firstName: 'Camille',
      birthDate: '1984-05-17',
      nationality: 'FR',
    },
    contact: { email: `demandeur.${n}@example.fr`, mobile: '0612345678' },
    household: { size: 3 },
    dependants: [
      { kinship: 'child', birthDate: '2015-02-03' },
      { kinship: 'child', birthDate: '2019-09-21' },
    ],
    wishedCommunes: ['57463', '57672', '57227'],
    firstChoiceCommune: '57463',
    epci: '200039865',
    currentHousing: { commune: '57463', situation: 'private-tenant' },
    dwellingTypes: ['T3', 'T4'],
    monthlyResources: 1_850,
    referenceTaxIncome: 19_400,
    motives: ['too-small'],
    dalo: false,
    priority: false,
    socialHousingTenant: false,
    disability: false,
    reservationQuotas: [],
  };
  return createEvent({
    type: 'sne.demand.updated.v1',
    source: '/sne/registration',
    subject: numeroUnique,
    demandVersion: 3,
    guichet: '10691',
    correlationId: `bench-audit-${n}`,
    data: { demand },
  });
}

const guichetCode = (i: number) => String(20_000 + i);

/** The entries the dispatcher records for one event delivered to `size` guichets. */
function entriesOf(numeroUnique: string, size: number): AuditEntry[] {
  return Array.from({ length: size }, (_, i) => ({
    principal: DISPATCHER,
    action: 'deliver' as const,
    channel: 'kafka' as const,
    numeroUnique,
    guichet: guichetCode(i),
    at: new Date(),
  }));
}

/** The documents AuditLog.record writes for those entries, built as plainly as possible. */
function documentsOf(numeroUnique: string, size: number, correlationId: string) {
  return Array.from({ length: size }, (_, i) => ({
    _id: randomUUID(),
    who: 'system:dispatcher',
    action: 'deliver',
    channel: 'kafka',
    app: APP,
    numeroUniques: [numeroUnique],
    departments: [numeroUnique.slice(0, 3)],
    guichet: guichetCode(i),
    at: new Date().toISOString(),
    correlationId,
  }));
}

type BareDocument = ReturnType<typeof documentsOf>[number];

function kafkaSettings(topicPrefix: string): KafkaSettings {
  const admin = testStack().kafkaAdmin;
  return kafkaSettingsFrom(
    {
      KAFKA_BROKERS: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      KAFKA_CLIENT_ID: 'sne-bench-audit',
      KAFKA_SSL: false,
      KAFKA_SASL_MECHANISM: process.env.KAFKA_SASL_MECHANISM ?? 'scram-sha-512',
      KAFKA_SASL_USERNAME: process.env.KAFKA_SASL_USERNAME ?? admin?.username ?? '',
      KAFKA_SASL_PASSWORD: process.env.KAFKA_SASL_PASSWORD ?? admin?.password ?? '',
      TOPIC_PREFIX: topicPrefix,
    },
    'bench-audit',
  );
}

interface PathTiming {
  readonly calls: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly entriesPerSecond: number;
}

type Call = (n: number) => Promise<unknown>;

async function time(call: Call, calls: number, size: number, first: number): Promise<PathTiming> {
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    const before = performance.now();
    await call(first + i);
    times.push(performance.now() - before);
  }
  const seconds = (performance.now() - start) / 1000;
  times.sort((a, b) => a - b);
  return {
    calls,
    meanMs: round((seconds * 1000) / calls),
    p50Ms: round(percentile(times, 0.5)),
    p99Ms: round(percentile(times, 0.99)),
    entriesPerSecond: round((calls * size) / seconds, 0),
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const rounds = positiveIntegerOption(argv, '--rounds') ?? 3;
  const callsOption = positiveIntegerOption(argv, '--calls');
  const warmUp = positiveIntegerOption(argv, '--warm-up') ?? 5;
  const isolation = isolate('bench-audit');
  const connection: Connection = await createConnection(testStack().mongoUri, {
    dbName: isolation.database,
    serverSelectionTimeoutMS: 5_000,
    bufferCommands: false,
    autoIndex: true,
  }).asPromise();
  const settings = kafkaSettings(isolation.topicPrefix);
  const kafka = new Kafka(toKafkaConfig(settings, () => () => undefined));
  const admin = kafka.admin();
  const metrics = new MetricsService(APP);
  const publisher = new EventPublisher(kafka, settings, metrics);
  let producer: Producer | undefined;
  let audit: AuditLog | undefined;
  const topics: string[] = [];
  try {
    await admin.connect();
    const auditTopic = `${isolation.topicPrefix}${Topics.AuditTrail}`;
    const oneTopic = `${isolation.topicPrefix}bench.audit.deliveries`;
    const fanOut = Array.from(
      { length: Math.max(...BATCHES) },
      (_, i) => `${isolation.topicPrefix}bench.audit.guichet.${guichetCode(i)}`,
    );
    topics.push(auditTopic, oneTopic, ...fanOut);
    log(`creating ${topics.length} scratch topics`);
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({ topic, numPartitions: FAN_OUT_PARTITIONS })),
    });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sending = producer;

    // The app's audit log as AuditModule.forRoot() makes it: outbox, relay, default sweep.
    const auditLog = new AuditLog(APP, publisher, metrics, { sweepMs: 30_000 }, connection);
    audit = auditLog;
    await auditLog.onModuleInit();
    auditLog.onApplicationBootstrap();
    const db = connection.getClient().db(isolation.database);
    const outbox = db.collection(OUTBOX);
    const plain = db.collection<BareDocument>('bench_bare_plain');
    /** Ms until the relay has published and removed every entry of the outbox. */
    const drained = async (): Promise<number> => {
      const start = performance.now();
      while ((await outbox.countDocuments({})) > 0) {
        if (performance.now() - start > 120_000) throw new Error('the audit outbox never emptied');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return performance.now() - start;
    };

    const messagesOf = (n: number, size: number): Message[] => {
      const event = anEvent(n);
      const dispatchedAt = new Date().toISOString();
      return Array.from({ length: size }, (_, i) => {
        const delivery: GuichetDelivery = {
          deliveryId: deliveryIdOf(event.id, guichetCode(i)),
          guichetCode: guichetCode(i),
          subscriptionVersion: 1,
          dispatchedAt,
          event,
        };
        return { ...toDeliveryMessage(delivery) };
      });
    };
    const fanOutOf = (messages: Message[]) => ({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: messages.map((message, i) => ({
        topic: fanOut[i],
        messages: [message],
      })),
    });
    // Each call runs in a correlation id, as the event consumer runs the dispatcher.
    const inEvent = (n: number, work: (numeroUnique: string) => Promise<unknown>) =>
      withCorrelationId(`bench-audit-${n}`, () => work(anEvent(n).subject));

    const pathsFor = (size: number): Record<string, Call> => ({
      'bare insertMany': (n) =>
        inEvent(n, (numero) => plain.insertMany(documentsOf(numero, size, `bench-audit-${n}`))),
      'AuditLog.record': (n) => inEvent(n, (numero) => auditLog.record(...entriesOf(numero, size))),
      'kafkajs send, one topic': (n) =>
        sending.send({
          topic: oneTopic,
          acks: -1,
          compression: CompressionTypes.None,
          messages: messagesOf(n, size),
        }),
      'kafkajs sendBatch, fan-out': (n) => sending.sendBatch(fanOutOf(messagesOf(n, size))),
      'audit ∥ fan-out': (n) =>
        inEvent(n, (numero) =>
          Promise.all([
            auditLog.record(...entriesOf(numero, size)),
            sending.sendBatch(fanOutOf(messagesOf(n, size))),
          ]),
        ),
    });

    const sample = documentsOf(anEvent(0).subject, 1, 'bench-audit-0')[0];
    const documentBytes = mongoose.mongo.BSON.calculateObjectSize(sample);
    const messageBytes = (messagesOf(0, 1)[0]?.value as Buffer).length;
    log(`audit document ${documentBytes} B (BSON), delivery message ${messageBytes} B`);

    let next = 0;
    const runs: Record<number, Record<string, PathTiming[]>> = {};
    /** Per batch size: entries/s of AuditLog.record counting the relay's drain after it. */
    const sustained: Record<number, number[]> = {};
    for (const size of BATCHES) {
      const paths = pathsFor(size);
      const names = Object.keys(paths);
      const calls = callsOption ?? DEFAULT_CALLS[size] ?? 50;
      const bySize: Record<string, PathTiming[]> = Object.fromEntries(
        names.map((name) => [name, []]),
      );
      runs[size] = bySize;
      sustained[size] = [];
      for (let r = 0; r < rounds; r++) {
        const order = names.map((_, i) => names[(i + r) % names.length]);
        for (const name of order) {
          const call = paths[name];
          await time(call, warmUp, size, next);
          next += warmUp;
          await drained();
          const timing = await time(call, calls, size, next);
          next += calls;
          // The relay's work left over, before the next path runs (publications and deletes).
          const tailMs = await drained();
          bySize[name].push(timing);
          if (name === 'AuditLog.record')
            sustained[size]?.push(
              round((calls * size) / ((calls * timing.meanMs + tailMs) / 1000), 0),
            );
          log(
            `batch ${size}, round ${r + 1}/${rounds}, ${name}: ${timing.meanMs} ms/call (p50 ${timing.p50Ms}, p99 ${timing.p99Ms}), ${timing.entriesPerSecond} entries/s; relay drained ${round(tailMs, 0)} ms later`,
          );
        }
      }
    }

    const summary = Object.fromEntries(
      BATCHES.map((size) => {
        const bySize = runs[size];
        const rows = Object.fromEntries(
          Object.entries(bySize).map(([name, timings]) => {
            const means = timings.map((timing) => timing.meanMs);
            return [
              name,
              {
                meanMs: median(means),
                spreadMs: [Math.min(...means), Math.max(...means)],
                p50Ms: median(timings.map((timing) => timing.p50Ms)),
                p99Ms: median(timings.map((timing) => timing.p99Ms)),
                entriesPerSecond: median(timings.map((timing) => timing.entriesPerSecond)),
              },
            ];
          }),
        ) as Record<
          string,
          {
            meanMs: number;
            spreadMs: number[];
            p50Ms: number;
            p99Ms: number;
            entriesPerSecond: number;
          }
        >;
        const ms = (name: string) => rows[name]?.meanMs ?? Number.NaN;
        // Ratios of means measured in the same rounds.
        const ratios = {
          auditToBare: round(ms('AuditLog.record') / ms('bare insertMany')),
          auditToFanOut: round(ms('AuditLog.record') / ms('kafkajs sendBatch, fan-out')),
          auditToOneTopic: round(ms('AuditLog.record') / ms('kafkajs send, one topic')),
          // What share of the serial sum the audit is, and what it adds to the step run at once.
          auditShareOfSerial: round(
            ms('AuditLog.record') / (ms('AuditLog.record') + ms('kafkajs sendBatch, fan-out')),
          ),
          stepToFanOut: round(ms('audit ∥ fan-out') / ms('kafkajs sendBatch, fan-out')),
        };
        return [
          size,
          {
            paths: rows,
            ratios,
            recordWithRelayDrainEntriesPerSecond: median(sustained[size] ?? []),
          },
        ];
      }),
    );
    const results = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: cpus().length, loadavg: loadavg().map((load) => round(load)) },
      node: process.version,
      rounds,
      warmUp,
      auditDocumentBytes: documentBytes,
      deliveryMessageBytes: messageBytes,
      batches: summary,
      runs,
    };
    for (const size of BATCHES) {
      const { paths, ratios } = summary[size];
      console.log(`\nbatch of ${size} entries`);
      console.log('| path | ms per call (spread) | p50 | p99 | entries/s |');
      console.log('| --- | --- | --- | --- | --- |');
      for (const [name, row] of Object.entries(paths))
        console.log(
          `| ${name} | ${row.meanMs} (${row.spreadMs.join('-')}) | ${row.p50Ms} | ${row.p99Ms} | ${row.entriesPerSecond} |`,
        );
      console.log(JSON.stringify(ratios));
      console.log(
        `AuditLog.record with the relay's drain: ${summary[size].recordWithRelayDrainEntriesPerSecond} entries/s`,
      );
    }
    await writeResults(join(__dirname, 'audit-results.json'), results);
  } finally {
    await audit?.onModuleDestroy().catch(() => undefined);
    await publisher.onModuleDestroy().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await connection.dropDatabase();
    await connection.close();
  }
}

void main();
