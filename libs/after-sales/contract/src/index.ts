export * from './lib/after-sales.contract';
