import 'reflect-metadata';
export * from './lib/envelope';
export * from './lib/topics';
export * from './lib/registry';
export * from './lib/catalog';
export * from './lib/events/validators';
export * from './lib/events/order-events';
export * from './lib/events/credit-events';
export * from './lib/events/fulfilment-events';
