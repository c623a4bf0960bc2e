export * from './lib/accounts';
export * from './lib/rate-limit';
export * from './lib/permissions';
export * from './lib/contact-rules';
// Shared with the other services (masking §6.1, the platform day).
export * from '@orderline/shared/platform-rules';
export * from './lib/personal-data-masking';
