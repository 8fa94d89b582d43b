export * from './sms-encoding';
export * from './mail-sender';
export * from './sms-sender';
export * from './notifications.module';
