import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type CloudEvent, encodeEvent } from '@sne/contracts';
import { MetricsService } from '@sne/platform';
import { CompressionTypes, Kafka, type Producer } from 'kafkajs';
import { KAFKA_SETTINGS, type KafkaSettings } from './kafka-settings';

export interface RawMessage {
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

/**
 * Bytes of messages in one produce request at most: each partition's record batch must stay under
 * the broker's `message.max.bytes` (1 MB by default), and a request under it guarantees that.
 */
export const MAX_REQUEST_BYTES = 900_000;

/** Per-record overhead of the record format (lengths, offsets, timestamps), rounded up. */
const RECORD_OVERHEAD_BYTES = 32;

/**
 * Publishes CloudEvents with an idempotent producer (acks from all in-sync replicas, one request
 * in flight), so a retried send neither duplicates nor reorders the events of one demand.
 */
@Injectable()
export class EventPublisher implements OnModuleDestroy {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private readonly published;

  constructor(
    private readonly kafka: Kafka,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    metrics: MetricsService,
  ) {
    this.published = metrics.counter('sne_kafka_messages_published_total', 'Messages published', [
      'topic',
    ]);
  }

  /** Publishes events in order; resolves once the broker has acknowledged all of them. */
  async publish(topic: string, ...events: CloudEvent[]): Promise<void> {
    await this.send(
      topic,
      events.map((event) => encodeEvent(event)),
    );
  }

  /** Sends already-encoded messages (dead letters, replays) unchanged. */
  async send(topic: string, messages: readonly RawMessage[]): Promise<void> {
    if (messages.length === 0) {
      return;
    }
    await this.sendBatch([{ topic, messages }]);
  }

  /**
   * Sends to several topics (a fan-out) in as few requests as the broker's limit allows, resolved
   * once every topic has them. A failure may leave the first requests sent: a retry repeats them.
   */
  async sendBatch(
    batches: ReadonlyArray<{ topic: string; messages: readonly RawMessage[] }>,
  ): Promise<void> {
    const nonEmpty = batches.filter((batch) => batch.messages.length > 0);
    if (nonEmpty.length === 0) {
      return;
    }
    for (const request of splitBySize(nonEmpty, MAX_REQUEST_BYTES)) {
      const producer = await this.connect();
      try {
        await producer.sendBatch({
          acks: -1,
          compression: CompressionTypes.None,
          topicMessages: request.map((batch) => ({
            topic: `${this.settings.topicPrefix}${batch.topic}`,
            messages: batch.messages.map((message) => ({ ...message })),
          })),
        });
      } catch (error) {
        // A failed request can leave an idempotent producer out of step with the broker (a
        // dispatcher saw every later send fail "out of order sequence number"): a new producer id.
        this.discard(producer);
        throw error;
      }
      for (const batch of request)
        this.published.inc({ topic: batch.topic }, batch.messages.length);
    }
  }

  async onModuleDestroy(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect();
  }

  private discard(producer: Producer): void {
    if (this.producer !== producer) {
      return;
    }
    this.producer = undefined;
    void producer.disconnect().catch(() => undefined);
  }

  private async connect(): Promise<Producer> {
    if (this.producer) {
      return this.producer;
    }
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      this.producer = producer;
      return producer;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }
}

type TopicBatch = { topic: string; messages: readonly RawMessage[] };

/**
 * Cuts batches into requests of at most `limit` bytes, keeping each topic's messages in order; a
 * message larger than the limit goes alone (and the broker refuses it with a clear error).
 */
export function splitBySize(batches: readonly TopicBatch[], limit: number): TopicBatch[][] {
  const requests: TopicBatch[][] = [];
  let request: TopicBatch[] = [];
  let bytes = 0;
  for (const batch of batches) {
    let messages: RawMessage[] = [];
    for (const message of batch.messages) {
      const size = sizeOf(message);
      if (bytes + size > limit && bytes > 0) {
        if (messages.length > 0) request.push({ topic: batch.topic, messages });
        requests.push(request);
        request = [];
        messages = [];
        bytes = 0;
      }
      messages.push(message);
      bytes += size;
    }
    if (messages.length > 0) request.push({ topic: batch.topic, messages });
  }
  if (request.length > 0) requests.push(request);
  return requests;
}

function sizeOf(message: RawMessage): number {
  let size = RECORD_OVERHEAD_BYTES + message.value.length + Buffer.byteLength(message.key ?? '');
  for (const [name, value] of Object.entries(message.headers))
    size += Buffer.byteLength(name) + Buffer.byteLength(value) + 4;
  return size;
}
