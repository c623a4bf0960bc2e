export * from './lib/order-service.module';
export * from './lib/order-service-config';
