export * from './lib/embedded-service';
