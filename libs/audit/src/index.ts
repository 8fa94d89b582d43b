export * from './audit-document';
export * from './audit-record';
export * from './audit-log';
export * from './audit-relay';
export * from './audit.module';
export * from './refusal-audit';
