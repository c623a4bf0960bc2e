export * from './lib/after-sales-service.module';
export * from './lib/after-sales-config';
