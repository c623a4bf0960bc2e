export * from './lib/order-service.module';
