export * from './lib/export.requests';
