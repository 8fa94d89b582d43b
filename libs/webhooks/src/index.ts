export * from './signature';
export * from './backoff';
