import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { normalizeCorrelationId, withCorrelationId } from '@sne/platform';
import { QueueFactory } from '@sne/queues';
import type { Job } from 'bullmq';
import { BATCH_QUEUE, type BatchJob } from './batch-queue';
import { BatchesService } from './batches.service';

/** The worker of the batch queue: one batch at a time (rendering takes the CPU). */
@Injectable()
export class BatchProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(BatchProcessor.name);

  constructor(
    private readonly queues: QueueFactory,
    private readonly batches: BatchesService,
  ) {}

  onApplicationBootstrap(): void {
    const worker = this.queues.worker<BatchJob>(
      BATCH_QUEUE,
      (job: Job<BatchJob>) =>
        withCorrelationId(normalizeCorrelationId(job.data.correlationId), async () => {
          await this.batches.process(job.data.batchId);
        }),
      { concurrency: 1 },
    );
    worker.on('failed', (job, error) => {
      this.logger.warn({
        msg: 'batch job failed',
        batchId: job?.data.batchId,
        attempt: job?.attemptsMade,
        reason: error.message,
      });
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1))
        void this.batches.markFailed(job.data.batchId, error.message).catch(() => undefined);
    });
  }
}
