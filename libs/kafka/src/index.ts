export * from './kafka-settings';
export * from './kafka.module';
export * from './event-publisher';
export * from './event-consumer';
export * from './topic-admin';
export * from './outbox-relay';
export * from './kafka-access';
export * from './kafka-access-admin';
