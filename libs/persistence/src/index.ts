export * from './persistence.module';
export * from './mongo-errors';
export * from './scoped-log';
