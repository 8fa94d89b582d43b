export * from './config/env-specs';
export * from './config/load-config';
export * from './logging/correlation';
export * from './metrics/metrics.service';
export * from './health/readiness.registry';
export * from './platform.module';
export * from './bootstrap';
