export * from './lib/order-status';
export * from './lib/order-process';
export * from './lib/order-pricing';
