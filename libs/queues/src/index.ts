export * from './job-registry';
export * from './queue-factory';
export * from './queues.module';
