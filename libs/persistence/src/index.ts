export * from './persistence.module';
export * from './mongo-errors';
