export * from './stack';
export * from './wait-for';
export * from './fixtures';
export * from './kafka';
export * from './app-env';
export * from './sinks';
export * from './processes';
