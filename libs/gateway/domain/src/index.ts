export * from './lib/accounts';
export * from './lib/rate-limit';
export * from './lib/masking';
export * from './lib/permissions';
export * from './lib/veto';
export * from './lib/platform-day';
export * from './lib/contact-rules';
