import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Topics } from '@sne/contracts';
import { EventPublisher } from '@sne/kafka';
import { MetricsService } from '@sne/platform';
import { type DemandRevision, DemandRepository } from '../demands/demand.repository';

export const OUTBOX_SWEEP_MS = Symbol('OUTBOX_SWEEP_MS');

/** Unref'd: a relay waiting for Kafka does not keep a stopping process alive. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Publishes the demand revisions to the demand-events topic, in order per demand. Revisions
 * saved by this instance are handed over at once; a sweep finds those a crash (or another
 * instance's crash) left unpublished. While Kafka is away the queue waits and retries: the API
 * goes on answering, nothing is lost. A revision may be published twice (a crash between the
 * publication and its mark): consumers deduplicate by event id.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly queue: DemandRevision[] = [];
  private readonly queued = new Set<string>();
  private draining: Promise<void> | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly published;
  private readonly pending;

  constructor(
    private readonly demands: DemandRepository,
    private readonly publisher: EventPublisher,
    @Inject(OUTBOX_SWEEP_MS) private readonly sweepMs: number,
    metrics: MetricsService,
  ) {
    this.published = metrics.counter('sne_outbox_published_total', 'Demand events published');
    this.pending = metrics.gauge('sne_outbox_pending', 'Demand revisions waiting to be published');
  }

  onApplicationBootstrap(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.sweepMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.draining;
  }

  /** Hands over a revision just saved. */
  enqueue(revision: DemandRevision): void {
    const key = `${revision.numeroUnique}:${revision.version}`;
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(revision);
    this.pending.set(this.queue.length);
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  private done(revision: DemandRevision): void {
    this.queue.shift();
    this.queued.delete(`${revision.numeroUnique}:${revision.version}`);
    this.pending.set(this.queue.length);
  }

  private async sweep(): Promise<void> {
    try {
      for (const revision of await this.demands.unpublished(1_000)) this.enqueue(revision);
    } catch (error) {
      this.logger.warn({ msg: 'outbox sweep failed', reason: (error as Error).message });
    }
  }

  private async drain(): Promise<void> {
    let failures = 0;
    while (this.queue.length > 0 && !this.stopped) {
      const revision = this.queue[0];
      try {
        // A sweep may hand over a revision published since it was read: publish it once.
        if (await this.demands.isPublished(revision.numeroUnique, revision.version)) {
          this.done(revision);
          continue;
        }
        // The previous version goes first, whoever saved it (a request still under way).
        if (
          revision.version > 1 &&
          !(await this.demands.isPublished(revision.numeroUnique, revision.version - 1))
        ) {
          this.queue.push(this.queue.shift()!);
          await sleep(this.queue.length === 1 ? 50 : 0);
          continue;
        }
        await this.publisher.publish(Topics.DemandEvents, revision.event);
        await this.demands.markPublished(revision.numeroUnique, revision.version);
        this.done(revision);
        this.published.inc();
        failures = 0;
      } catch (error) {
        failures++;
        this.logger.warn({
          msg: 'publishing a demand event failed, retrying',
          numeroUnique: revision.numeroUnique,
          version: revision.version,
          reason: (error as Error).message,
        });
        await sleep(Math.min(200 * 2 ** Math.min(failures, 6), 10_000));
      }
    }
  }
}
