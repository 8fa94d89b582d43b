import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  type CloudEvent,
  decodeEvent,
  formatIssues,
  KafkaHeaders,
  Topics,
  type ValidationResult,
} from '@sne/contracts';
import {
  isTransientError,
  MetricsService,
  normalizeCorrelationId,
  ReadinessRegistry,
  withCorrelationId,
} from '@sne/platform';
import {
  type Consumer,
  type EachBatchPayload,
  type EachMessagePayload,
  type IHeaders,
  Kafka,
  type KafkaMessage,
} from 'kafkajs';
import { EventPublisher } from './event-publisher';
import { KAFKA_SETTINGS, type KafkaSettings } from './kafka-settings';

export interface MessageContext {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly attempt: number;
}

export type EventHandler<T = CloudEvent> = (message: T, context: MessageContext) => Promise<void>;

export interface ConsumerDefinition<T = CloudEvent> {
  /** Unprefixed group id, e.g. `sne.dispatching`. */
  readonly groupId: string;
  /** Unprefixed topic names (from `Topics`, or guichet delivery logs). */
  readonly topics: readonly string[];
  readonly handle: EventHandler<T>;
  /**
   * Optional faster path: the valid messages of a fetched batch of one partition, in order, at
   * most `batchSize` at a time (e.g. one bulk write); the offsets are committed after each. Transient failures are retried; any other failure
   * falls back to `handle`, message by message, so a poison message is isolated and dead-lettered.
   */
  readonly handleBatch?: (
    items: ReadonlyArray<{ value: T; context: MessageContext }>,
  ) => Promise<void>;
  /** Messages handed to `handleBatch` at most at once (default 500). */
  readonly batchSize?: number;
  /** Turns a message value into what the handler takes (default: a validated CloudEvent). */
  readonly decode?: (value: Buffer | null) => ValidationResult<T>;
  /** Attempts before a failing message goes to the dead-letter topic (default 5). */
  readonly maxAttempts?: number;
  readonly fromBeginning?: boolean;
  /**
   * Partitions handled at the same time (default 1). Order still holds within a partition, so
   * per key; the handler must not assume one message at a time across partitions.
   */
  readonly concurrency?: number;
  /** Backoff between attempts: base × 2^(attempt-1), capped at 10 s (default base 200 ms). */
  readonly retryBaseMs?: number;
}

export interface RunningConsumer {
  /** Resolves once the group is subscribed and running (it may take retries). */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Messages handed to a batch handler at most at once, by default. */
const BATCH_SLICE = 500;

/**
 * Runs a consumer group whose handler sees only valid events. A message that does not decode or
 * validate, or whose handler keeps failing, is published to the dead-letter topic with the reason
 * and its offset committed: a poison message never stalls its partition. Offsets are committed
 * only after the handler (or the dead-letter write) succeeded: at-least-once.
 */
@Injectable()
export class EventConsumerFactory implements OnModuleDestroy {
  private readonly logger = new Logger(EventConsumerFactory.name);
  private readonly running = new Set<Consumer>();
  private readonly outcomes;

  constructor(
    private readonly kafka: Kafka,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    private readonly publisher: EventPublisher,
    private readonly readiness: ReadinessRegistry,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter(
      'sne_kafka_messages_consumed_total',
      'Messages consumed, by topic and outcome (handled, dead-lettered)',
      ['topic', 'group', 'outcome'],
    );
  }

  /**
   * Starts a consumer group in the background: connecting and subscribing are retried (Kafka
   * down, a topic not created yet) without holding up the app, and the group's state shows in
   * readiness as `consumer:<group>`.
   */
  start<T = CloudEvent>(definition: ConsumerDefinition<T>): RunningConsumer {
    const prefix = this.settings.topicPrefix;
    const groupId = `${prefix}${definition.groupId}`;
    const check = `consumer:${definition.groupId}`;
    let state: { running: boolean; reason: string } = { running: false, reason: 'starting' };
    let stopped = false;
    let consumer: Consumer | undefined;
    this.readiness.register({
      name: check,
      check: () => (state.running ? Promise.resolve() : Promise.reject(new Error(state.reason))),
    });

    const attempt = async (): Promise<void> => {
      const candidate = this.kafka.consumer({
        groupId,
        sessionTimeout: 30_000,
        heartbeatInterval: 3_000,
        // A consumer stopped while it joins its group fails that join: it must not come back.
        retry: { retries: 10, restartOnFailure: () => Promise.resolve(!stopped) },
      });
      consumer = candidate;
      try {
        await candidate.connect();
        await candidate.subscribe({
          topics: definition.topics.map((topic) => `${prefix}${topic}`),
          fromBeginning: definition.fromBeginning ?? true,
        });
        await candidate.run({
          autoCommit: true,
          partitionsConsumedConcurrently: definition.concurrency ?? 1,
          ...(definition.handleBatch
            ? {
                eachBatchAutoResolve: false,
                eachBatch: (payload: EachBatchPayload) =>
                  this.processBatch(definition, payload.batch.topic.slice(prefix.length), payload),
              }
            : {
                eachMessage: async (payload: EachMessagePayload) => {
                  const logicalTopic = payload.topic.slice(prefix.length);
                  await this.process(
                    definition,
                    logicalTopic,
                    payload.partition,
                    payload.message,
                    () => payload.heartbeat(),
                  );
                },
              }),
        });
        this.running.add(candidate);
        candidate.on(candidate.events.CRASH, (event) => {
          if (!event.payload.restart)
            state = { running: false, reason: `crashed: ${event.payload.error.message}` };
        });
        state = { running: true, reason: '' };
      } catch (error) {
        await candidate.disconnect().catch(() => undefined);
        throw error;
      }
    };

    let wake: () => void = () => undefined;
    const ready = (async () => {
      for (let retry = 0; !stopped; retry++) {
        try {
          await attempt();
          // Stopped while starting: this consumer must not stay in the group as a member that
          // holds partitions nobody reads.
          if (stopped && consumer) {
            this.running.delete(consumer);
            await consumer.disconnect();
          }
          return;
        } catch (error) {
          if (stopped) return;
          const reason = (error as Error).message;
          state = { running: false, reason: `not subscribed yet: ${reason}` };
          this.logger.warn({
            msg: 'consumer could not start, retrying',
            group: definition.groupId,
            reason,
          });
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.min(500 * 2 ** Math.min(retry, 6), 30_000));
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
      }
    })();

    return {
      ready,
      stop: async () => {
        stopped = true;
        this.readiness.unregister(check);
        wake();
        // A start under way is cut short (its connection closed), then waited for.
        await consumer?.disconnect().catch(() => undefined);
        await ready;
        if (consumer) {
          this.running.delete(consumer);
          await consumer.disconnect();
        }
      },
    };
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.running].map((consumer) => consumer.disconnect()));
    this.running.clear();
  }

  private async processBatch<T>(
    definition: ConsumerDefinition<T>,
    topic: string,
    payload: EachBatchPayload,
  ): Promise<void> {
    const { batch } = payload;
    const heartbeat = () => payload.heartbeat();
    const handleBatch = definition.handleBatch!;
    const base = definition.retryBaseMs ?? 200;
    const size = definition.batchSize ?? BATCH_SLICE;
    for (let from = 0; from < batch.messages.length; from += size) {
      if (!payload.isRunning() || payload.isStale()) return;
      const slice = batch.messages.slice(from, from + size);
      const valid: Array<{ value: T; context: MessageContext; message: KafkaMessage }> = [];
      for (const message of slice) {
        const decoded = definition.decode
          ? definition.decode(message.value)
          : (decodeEvent(message.value) as unknown as ValidationResult<T>);
        if (decoded.ok) {
          valid.push({
            value: decoded.value,
            message,
            context: { topic, partition: batch.partition, offset: message.offset, attempt: 1 },
          });
        } else {
          await this.deadLetter(
            definition,
            topic,
            batch.partition,
            message,
            `invalid event: ${formatIssues(decoded.issues)}`,
          );
        }
      }
      for (let attempt = 1; valid.length > 0; attempt++) {
        try {
          await handleBatch(valid.map(({ value, context }) => ({ value, context })));
          this.outcomes.inc({ topic, group: definition.groupId, outcome: 'handled' }, valid.length);
          break;
        } catch (error) {
          if (!isTransientError(error)) {
            this.logger.warn({
              msg: 'batch handler failed, handling the batch message by message',
              topic,
              partition: batch.partition,
              reason: (error as Error).message,
            });
            for (const { message } of valid)
              await this.process(definition, topic, batch.partition, message, heartbeat);
            break;
          }
          this.logger.warn({
            msg: 'a server is out of reach, retrying the batch',
            topic,
            partition: batch.partition,
            attempt,
            reason: (error as Error).message,
          });
          await sleep(Math.min(base * 2 ** (Math.min(attempt, 16) - 1), 10_000));
          await heartbeat();
        }
      }
      payload.resolveOffset(slice[slice.length - 1].offset);
      // Committed now rather than at the end of the fetch: a crash repeats one slice at most.
      await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
      await heartbeat();
    }
  }

  private async process<T>(
    definition: ConsumerDefinition<T>,
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const correlationId = normalizeCorrelationId(
      headerText(message.headers, KafkaHeaders.CorrelationId),
    );
    await withCorrelationId(correlationId, async () => {
      const decoded = definition.decode
        ? definition.decode(message.value)
        : (decodeEvent(message.value) as unknown as ValidationResult<T>);
      if (!decoded.ok) {
        await this.deadLetter(
          definition,
          topic,
          partition,
          message,
          `invalid event: ${formatIssues(decoded.issues)}`,
        );
        return;
      }
      const maxAttempts = definition.maxAttempts ?? 5;
      const base = definition.retryBaseMs ?? 200;
      // Attempts count only failures of the handler's own making: while a server is out of reach
      // the message waits (Kafka restarting must not send good events to the dead-letter topic).
      let failures = 0;
      for (let attempt = 1; ; attempt++) {
        try {
          await definition.handle(decoded.value, {
            topic,
            partition,
            offset: message.offset,
            attempt,
          });
          this.outcomes.inc({ topic, group: definition.groupId, outcome: 'handled' });
          return;
        } catch (error) {
          const reason = (error as Error).message;
          const transient = isTransientError(error);
          if (!transient) failures++;
          if (failures >= maxAttempts) {
            await this.deadLetter(
              definition,
              topic,
              partition,
              message,
              `handler failed ${failures} times: ${reason}`,
            );
            return;
          }
          this.logger.warn({
            msg: transient ? 'a server is out of reach, retrying' : 'handler failed, retrying',
            topic,
            partition,
            offset: message.offset,
            attempt,
            reason,
          });
          await sleep(Math.min(base * 2 ** (Math.min(attempt, 16) - 1), 10_000));
          // Kafka itself may be the server out of reach: then the heartbeat throws, nothing is
          // committed, and kafkajs restarts the consumer, which reads this message again.
          await heartbeat();
        }
      }
    });
  }

  private async deadLetter<T>(
    definition: ConsumerDefinition<T>,
    topic: string,
    partition: number,
    message: KafkaMessage,
    reason: string,
  ): Promise<void> {
    const headers: Record<string, string> = {};
    for (const name of Object.keys(message.headers ?? {})) {
      const value = headerText(message.headers, name);
      if (value !== undefined) headers[name] = value;
    }
    Object.assign(headers, {
      [KafkaHeaders.DeadLetterReason]: reason.slice(0, 2_000),
      [KafkaHeaders.DeadLetterTopic]: topic,
      [KafkaHeaders.DeadLetterPartition]: String(partition),
      [KafkaHeaders.DeadLetterOffset]: message.offset,
      [KafkaHeaders.DeadLetterConsumerGroup]: definition.groupId,
      [KafkaHeaders.DeadLetterFailedAt]: new Date().toISOString(),
    });
    // If this write fails the error propagates, the offset is not committed and the message is
    // consumed again: a message is never dropped.
    await this.publisher.send(Topics.DeadLetter, [
      { key: message.key?.toString() ?? null, value: message.value ?? Buffer.alloc(0), headers },
    ]);
    this.outcomes.inc({ topic, group: definition.groupId, outcome: 'dead-lettered' });
    this.logger.error({
      msg: 'message dead-lettered',
      topic,
      partition,
      offset: message.offset,
      reason,
    });
  }
}
