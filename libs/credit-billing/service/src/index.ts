export * from './lib/credit-billing-service.module';
