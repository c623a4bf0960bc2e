export * from './lib/logistics.requests';
export * from './lib/exchanges.requests';
