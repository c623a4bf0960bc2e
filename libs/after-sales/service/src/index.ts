export * from './lib/after-sales-service.module';
