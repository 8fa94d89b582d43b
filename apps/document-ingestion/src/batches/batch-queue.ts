import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { batchLoadingStart } from '@sne/domain';
import { Clock } from '@sne/platform';
import { QueueFactory } from '@sne/queues';
import type { Queue } from 'bullmq';

export const BATCH_QUEUE = 'document-batches';
export const BATCH_LOAD_WINDOW = Symbol('BATCH_LOAD_WINDOW');

export interface BatchJob {
  readonly batchId: string;
  readonly correlationId?: string;
}

/** The queue of batches to split; the job id is the batch id, so a batch is queued once. */
@Injectable()
export class BatchQueue implements OnModuleInit {
  private queue: Queue<BatchJob> | undefined;

  constructor(
    private readonly queues: QueueFactory,
    private readonly clock: Clock,
    @Inject(BATCH_LOAD_WINDOW) private readonly window: string,
  ) {}

  onModuleInit(): void {
    this.queue = this.queues.queue<BatchJob>(BATCH_QUEUE);
  }

  /** When a batch received now runs: at once, or when the loading window opens. */
  startOf(now: Date): Date {
    return batchLoadingStart(now, this.window || undefined);
  }

  async counts(): Promise<Record<string, number>> {
    return this.queue!.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed');
  }

  async enqueue(batchId: string, start: Date, correlationId: string | undefined): Promise<void> {
    await this.queue!.add(
      'split',
      { batchId, ...(correlationId ? { correlationId } : {}) },
      { jobId: batchId, delay: Math.max(0, start.getTime() - this.clock.now().getTime()) },
    );
  }
}
