export * from './lib/credit-account.contract';
