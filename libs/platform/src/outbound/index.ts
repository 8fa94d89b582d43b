export * from './address-policy';
export * from './url-policy';
export * from './guarded-lookup';
export * from './outbound-http-client';
