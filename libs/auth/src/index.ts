export * from './principal';
export * from './access-token';
export * from './auth-env';
export * from './auth.decorators';
export * from './auth.guard';
export * from './auth.module';
export * from './access-token-signer';
export * from './data-profile';
