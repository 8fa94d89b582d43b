import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { CloudEvent } from '@sne/contracts';
import type { MetricsService } from '@sne/platform';
import type { EventPublisher } from './event-publisher';

/** One change saved with its event: the outbox entry of an aggregate (a demand, a document). */
export interface OutboxEntry {
  /** The aggregate's id: entries of one aggregate are published in version order. */
  readonly aggregateId: string;
  readonly version: number;
  readonly event: CloudEvent;
}

/** Where the changes are kept with their events, beside the state they changed (ADR 0007). */
export interface OutboxStore<R> {
  unpublished(limit: number): Promise<R[]>;
  isPublished(aggregateId: string, version: number): Promise<boolean>;
  markPublished(aggregateId: string, version: number): Promise<void>;
}

export interface OutboxRelaySettings<R> {
  /** Names the relay in logs and metrics: `demand`, `document`. */
  readonly name: string;
  readonly topic: string;
  readonly sweepMs: number;
  /** The aggregate, version and event of a stored change. */
  readonly entryOf: (change: R) => OutboxEntry;
}

/** Unref'd: a relay waiting for Kafka does not keep a stopping process alive. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Publishes an outbox to its topic, in version order per aggregate. Entries saved by this
 * instance are handed over at once (`enqueue`); a sweep finds those a crash (or another
 * instance's crash) left unpublished. While Kafka is away the queue waits and retries: the API
 * goes on answering, nothing is lost. An entry may be published twice (a crash between the
 * publication and its mark): consumers deduplicate by event id.
 */
export class OutboxRelay<R> implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger: Logger;
  private readonly queue: OutboxEntry[] = [];
  private readonly queued = new Set<string>();
  private draining: Promise<void> | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly published;
  private readonly pending;

  constructor(
    private readonly settings: OutboxRelaySettings<R>,
    private readonly store: OutboxStore<R>,
    private readonly publisher: EventPublisher,
    metrics: MetricsService,
  ) {
    this.logger = new Logger(`OutboxRelay:${settings.name}`);
    this.published = metrics.counter('sne_outbox_published_total', 'Outbox events published', [
      'outbox',
    ]);
    this.pending = metrics.gauge('sne_outbox_pending', 'Outbox entries waiting to be published', [
      'outbox',
    ]);
  }

  onApplicationBootstrap(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.settings.sweepMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.draining;
  }

  /** Hands over a change just saved. */
  enqueue(change: R): void {
    this.enqueueEntry(this.settings.entryOf(change));
  }

  private enqueueEntry(entry: OutboxEntry): void {
    const key = `${entry.aggregateId}:${entry.version}`;
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(entry);
    this.pending.set({ outbox: this.settings.name }, this.queue.length);
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  private done(entry: OutboxEntry): void {
    this.queue.shift();
    this.queued.delete(`${entry.aggregateId}:${entry.version}`);
    this.pending.set({ outbox: this.settings.name }, this.queue.length);
  }

  private async sweep(): Promise<void> {
    try {
      for (const change of await this.store.unpublished(1_000)) this.enqueue(change);
    } catch (error) {
      this.logger.warn({ msg: 'outbox sweep failed', reason: (error as Error).message });
    }
  }

  private async drain(): Promise<void> {
    let failures = 0;
    while (this.queue.length > 0 && !this.stopped) {
      const entry = this.queue[0];
      try {
        // A sweep may hand over an entry published since it was read: publish it once.
        if (await this.store.isPublished(entry.aggregateId, entry.version)) {
          this.done(entry);
          continue;
        }
        // The previous version goes first, whoever saved it (a request still under way).
        if (
          entry.version > 1 &&
          !(await this.store.isPublished(entry.aggregateId, entry.version - 1))
        ) {
          this.queue.push(this.queue.shift()!);
          await sleep(this.queue.length === 1 ? 50 : 0);
          continue;
        }
        await this.publisher.publish(this.settings.topic, entry.event);
        await this.store.markPublished(entry.aggregateId, entry.version);
        this.done(entry);
        this.published.inc({ outbox: this.settings.name });
        failures = 0;
      } catch (error) {
        failures++;
        this.logger.warn({
          msg: `publishing a ${this.settings.name} event failed, retrying`,
          aggregateId: entry.aggregateId,
          version: entry.version,
          reason: (error as Error).message,
        });
        await sleep(Math.min(200 * 2 ** Math.min(failures, 6), 10_000));
      }
    }
  }
}
