export * from './lib/refund-allocation';
export * from './lib/after-sales-process';
export * from './lib/after-sales-application';
export * from './lib/paid-order';
