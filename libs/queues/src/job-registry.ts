import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { currentCorrelationId, normalizeCorrelationId, withCorrelationId } from '@sne/platform';
import {
  type Job,
  type JobsOptions,
  type Queue,
  type QueueOptions,
  UnrecoverableError,
  type Worker,
  type WorkerOptions,
} from 'bullmq';
import { QueueFactory } from './queue-factory';

/**
 * A kind of job: the queue it goes to, its name there, the payload it carries and what its
 * handler answers. The types exist only for the compiler: a producer and a handler of the same
 * `JobType` agree on the payload.
 */
export interface JobType<P, R = void> {
  readonly queue: string;
  readonly name: string;
  /** Never set: carries P and R. */
  readonly types?: { readonly payload: P; readonly result: R };
}

export const jobType = <P, R = void>(queue: string, name: string): JobType<P, R> => ({
  queue,
  name,
});

/** What is stored in Redis: the payload, and the correlation id of the request that queued it. */
export type JobData<P> = P & { readonly correlationId?: string };

export type JobHandler<P, R> = (
  payload: JobData<P>,
  job: Job<JobData<P>, R>,
  token: string | undefined,
) => Promise<R>;

export interface HandlerOptions<P> {
  /** The options of the queue's one worker: given by at most one handler of the queue. */
  readonly worker?: Partial<WorkerOptions>;
  /** Told of every failed attempt (the last one has `attemptsMade >= opts.attempts`). */
  readonly onFailed?: (job: Job<JobData<P>> | undefined, error: Error) => void;
}

export type JobProducer<P> = (payload: JobData<P>, options?: JobsOptions) => Promise<Job>;

interface QueueEntry {
  readonly handlers: Map<
    string,
    { run: JobHandler<unknown, unknown>; options: HandlerOptions<unknown> }
  >;
  readonly produced: Set<string>;
  workerOptions?: Partial<WorkerOptions>;
  worker?: Worker;
}

/**
 * The app's jobs by type: producers stamp the correlation id of the request that queues a job,
 * one worker per queue hands each job to its type's handler under that correlation id again, and
 * the app refuses to start when a type it produces has no handler (a job queued for nobody would
 * wait for ever). Handlers register in `onModuleInit`; workers start at bootstrap, once all are
 * known.
 */
@Injectable()
export class JobRegistry implements OnApplicationBootstrap {
  private readonly queues = new Map<string, Queue>();
  private readonly entries = new Map<string, QueueEntry>();
  private started = false;

  constructor(private readonly factory: QueueFactory) {}

  private entry(queue: string): QueueEntry {
    let entry = this.entries.get(queue);
    if (!entry) {
      entry = { handlers: new Map(), produced: new Set() };
      this.entries.set(queue, entry);
    }
    return entry;
  }

  /** The queue itself (counts, schedulers, retries); its options count on the first call only. */
  queue<P = unknown>(name: string, options: Partial<QueueOptions> = {}): Queue<JobData<P>> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = this.factory.queue(name, options);
      this.queues.set(name, queue);
    }
    return queue as Queue<JobData<P>>;
  }

  /** Adds jobs of `type`, each with the correlation id current when it is added. */
  producer<P, R>(type: JobType<P, R>): JobProducer<P> {
    this.entry(type.queue).produced.add(type.name);
    const queue = this.queue<P>(type.queue);
    return (payload, options) => {
      const correlationId = payload.correlationId ?? currentCorrelationId();
      const data: JobData<P> = correlationId ? { ...payload, correlationId } : payload;
      return (queue as Queue).add(type.name, data, options);
    };
  }

  handle<P, R>(
    type: JobType<P, R>,
    handler: JobHandler<P, R>,
    options: HandlerOptions<P> = {},
  ): void {
    if (this.started)
      throw new Error(`job ${type.queue}/${type.name}: handlers register before bootstrap`);
    const entry = this.entry(type.queue);
    if (entry.handlers.has(type.name))
      throw new Error(`job ${type.queue}/${type.name} has two handlers`);
    if (options.worker) {
      if (entry.workerOptions) throw new Error(`queue ${type.queue}: worker options given twice`);
      entry.workerOptions = options.worker;
    }
    entry.handlers.set(type.name, {
      run: handler as JobHandler<unknown, unknown>,
      options: options as HandlerOptions<unknown>,
    });
  }

  /** The worker of a queue, once started. */
  worker(queue: string): Worker | undefined {
    return this.entries.get(queue)?.worker;
  }

  onApplicationBootstrap(): void {
    const missing = [...this.entries].flatMap(([queue, entry]) =>
      [...entry.produced]
        .filter((name) => !entry.handlers.has(name))
        .map((name) => `${queue}/${name}`),
    );
    if (missing.length > 0)
      throw new Error(`jobs queued with no handler in this app: ${missing.join(', ')}`);
    this.started = true;
    for (const [queue, entry] of this.entries) {
      if (entry.handlers.size === 0) continue;
      entry.worker = this.factory.worker(
        queue,
        (job: Job, token) => this.run(entry, job, token),
        entry.workerOptions,
      );
      entry.worker.on('failed', (job, error) => {
        entry.handlers.get(job?.name ?? '')?.options.onFailed?.(job, error);
      });
    }
  }

  private async run(entry: QueueEntry, job: Job, token: string | undefined): Promise<unknown> {
    const handler = entry.handlers.get(job.name);
    if (!handler)
      // Kept among the failed jobs, not retried: no attempt can succeed.
      throw new UnrecoverableError(`no handler for job ${job.name} in queue ${job.queueName}`);
    const data = job.data as JobData<unknown>;
    return withCorrelationId(normalizeCorrelationId(data.correlationId), () =>
      handler.run(data, job as Job<JobData<unknown>>, token),
    );
  }
}
