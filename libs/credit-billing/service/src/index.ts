export * from './lib/credit-billing-service.module';
export * from './lib/credit-billing-config';
