export * from './lib/logistics.requests';
