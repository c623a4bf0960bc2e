export * from './lib/accounts';
