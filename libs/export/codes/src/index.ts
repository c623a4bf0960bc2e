export * from './lib/export-codes';
