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
    const producer = await this.connect();
    const name = `${this.settings.topicPrefix}${topic}`;
    await producer.send({
      topic: name,
      acks: -1,
      compression: CompressionTypes.None,
      messages: messages.map((message) => ({ ...message })),
    });
    this.published.inc({ topic }, messages.length);
  }

  /** Sends to several topics in one request (a fan-out), resolved once every topic has them. */
  async sendBatch(
    batches: ReadonlyArray<{ topic: string; messages: readonly RawMessage[] }>,
  ): Promise<void> {
    const nonEmpty = batches.filter((batch) => batch.messages.length > 0);
    if (nonEmpty.length === 0) {
      return;
    }
    const producer = await this.connect();
    await producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: nonEmpty.map((batch) => ({
        topic: `${this.settings.topicPrefix}${batch.topic}`,
        messages: batch.messages.map((message) => ({ ...message })),
      })),
    });
    for (const batch of nonEmpty) this.published.inc({ topic: batch.topic }, batch.messages.length);
  }

  async onModuleDestroy(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect();
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
