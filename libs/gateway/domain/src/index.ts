export * from './lib/accounts';
export * from './lib/rate-limit';
export * from './lib/masking';
export * from './lib/permissions';
