export * from './lib/credit-line';
