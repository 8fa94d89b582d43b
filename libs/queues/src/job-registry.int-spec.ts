import { randomUUID } from 'node:crypto';
import { currentCorrelationId, withCorrelationId } from '@sne/platform';
import { testStack, waitFor } from '@sne/testing';
import { jobType, JobRegistry } from './job-registry';
import { QueueFactory } from './queue-factory';

interface Greeting {
  readonly to: string;
}

/** The job registry on a real Redis: typed producers and handlers, correlation ids carried. */
describe('JobRegistry (real Redis)', () => {
  let factory: QueueFactory;

  beforeEach(() => {
    factory = new QueueFactory({ url: testStack().redisUrl, prefix: `test-${randomUUID()}` });
  });

  afterEach(async () => {
    await factory.onModuleDestroy();
  });

  it('refuses to start when a job it queues has no handler, naming it', () => {
    const registry = new JobRegistry(factory);
    const greet = jobType<Greeting>('greetings', 'greet');
    const wave = jobType<Greeting>('greetings', 'wave');
    registry.producer(greet);
    registry.producer(wave);
    registry.handle(greet, () => Promise.resolve());
    expect(() => registry.onApplicationBootstrap()).toThrow(
      'jobs queued with no handler in this app: greetings/wave',
    );
  });

  it("hands each job to its type's handler under the correlation id of the request that queued it", async () => {
    const registry = new JobRegistry(factory);
    const greet = jobType<Greeting, string>('greetings', 'greet');
    const wave = jobType<Greeting, string>('greetings', 'wave');
    const seen: Array<{ name: string; to: string; correlationId?: string }> = [];
    const handler = (name: string) => (payload: Greeting) => {
      seen.push({ name, to: payload.to, correlationId: currentCorrelationId() });
      return Promise.resolve(`${name} ${payload.to}`);
    };
    registry.handle(greet, handler('greet'), { worker: { concurrency: 1 } });
    registry.handle(wave, handler('wave'));
    const addGreeting = registry.producer(greet);
    const addWave = registry.producer(wave);
    registry.onApplicationBootstrap();

    await withCorrelationId('request-1', () => addGreeting({ to: 'Camille' }));
    await addWave({ to: 'Dominique' });
    await waitFor(() => Promise.resolve(seen.length === 2), { description: 'both jobs handled' });

    expect(seen).toContainEqual({ name: 'greet', to: 'Camille', correlationId: 'request-1' });
    const waved = seen.find((entry) => entry.name === 'wave');
    // Queued outside any request: the worker still runs it under a correlation id of its own.
    expect(waved?.to).toBe('Dominique');
    expect(waved?.correlationId).toMatch(/^[\w-]{8,}$/);
    expect(() => registry.handle(jobType('greetings', 'late'), () => Promise.resolve())).toThrow(
      'handlers register before bootstrap',
    );
  });

  it('fails a job nobody handles at once, without retrying it', async () => {
    const registry = new JobRegistry(factory);
    const greet = jobType<Greeting>('greetings', 'greet');
    const failures: string[] = [];
    registry.handle(greet, () => Promise.resolve());
    registry.onApplicationBootstrap();
    const queue = registry.queue('greetings');
    const worker = registry.worker('greetings');
    worker?.on('failed', (job, error) => failures.push(`${job?.name}: ${error.message}`));
    const stray = await queue.add('stray', { to: 'nobody' } as never, { attempts: 5 });

    await waitFor(() => Promise.resolve(failures.length === 1), {
      description: 'the stray job failed',
    });
    expect(failures).toEqual(['stray: no handler for job stray in queue greetings']);
    const job = await queue.getJob(stray.id as string);
    expect(job?.attemptsMade).toBe(1);
  });

  it('tells the handler of every failed attempt', async () => {
    const registry = new JobRegistry(factory);
    const greet = jobType<Greeting>('greetings', 'greet');
    const attempts: number[] = [];
    registry.handle(greet, () => Promise.reject(new Error('provider down')), {
      onFailed: (job) => attempts.push(job?.attemptsMade ?? -1),
    });
    const add = registry.producer(greet);
    registry.onApplicationBootstrap();
    await add({ to: 'Camille' }, { attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    await waitFor(() => Promise.resolve(attempts.length === 2), {
      description: 'two failed attempts',
    });
    expect(attempts).toEqual([1, 2]);
  });
});
