import { Logger } from '@nestjs/common';
import { type AuditRecordData, createEvent, AuditEventTypes, Topics } from '@sne/contracts';
import type { EventPublisher } from '@sne/kafka';
import type { MetricsService } from '@sne/platform';
import type { AuditOutbox } from './audit-outbox';

const BATCH = 500;
/** Beyond this, entries wait in the outbox alone (Kafka away a long time): memory stays bounded. */
const MAX_QUEUED = 20_000;

/** Unref'd: a relay waiting for Kafka does not keep a stopping process alive. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** An entry of the trail as the event that carries it; its id is the entry's. */
export const auditEvent = (record: AuditRecordData) =>
  createEvent({
    id: record.id,
    type: AuditEventTypes.Recorded,
    source: `/sne/${record.app}`,
    subject: record.who,
    time: new Date(record.at),
    correlationId: record.correlationId ?? record.id,
    data: record,
  });

/**
 * Moves the audit outbox to the audit topic in batches: entries just kept are handed over at
 * once, a sweep finds those a crash left. An entry may be published twice (a crash between the
 * publication and its removal): the trail keeps each id once. While Kafka is away the outbox
 * waits; nothing is lost.
 */
export class AuditRelay {
  private readonly logger = new Logger(AuditRelay.name);
  private readonly queue = new Map<string, AuditRecordData>();
  private draining: Promise<void> | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly published;
  private readonly pending;

  constructor(
    private readonly outbox: AuditOutbox,
    private readonly publisher: EventPublisher,
    metrics: MetricsService,
    private readonly sweepMs: number,
  ) {
    this.published = metrics.counter(
      'sne_audit_published_total',
      'Audit entries published to the audit topic',
    );
    this.pending = metrics.gauge('sne_audit_pending', 'Audit entries waiting for the audit topic');
  }

  start(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.sweepMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.draining;
  }

  enqueue(records: readonly AuditRecordData[]): void {
    for (const record of records) {
      if (this.queue.size >= MAX_QUEUED) break;
      this.queue.set(record.id, record);
    }
    this.pending.set(this.queue.size);
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  private async sweep(): Promise<void> {
    try {
      const left = await this.outbox.pending(BATCH * 4);
      if (left.length > 0) this.enqueue(left);
    } catch (error) {
      this.logger.warn({ msg: 'audit outbox sweep failed', reason: (error as Error).message });
    }
  }

  private async drain(): Promise<void> {
    let failures = 0;
    while (this.queue.size > 0 && !this.stopped) {
      const batch = [...this.queue.values()].slice(0, BATCH);
      try {
        await this.publisher.publish(Topics.AuditTrail, ...batch.map(auditEvent));
        await this.outbox.remove(batch.map((record) => record.id));
        for (const record of batch) this.queue.delete(record.id);
        this.pending.set(this.queue.size);
        this.published.inc(batch.length);
        failures = 0;
      } catch (error) {
        failures++;
        this.logger.warn({
          msg: 'publishing audit entries failed, retrying',
          entries: batch.length,
          reason: (error as Error).message,
        });
        await sleep(Math.min(200 * 2 ** Math.min(failures, 6), 10_000));
      }
    }
  }
}
