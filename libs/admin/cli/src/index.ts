export * from './lib/admin-cli';
