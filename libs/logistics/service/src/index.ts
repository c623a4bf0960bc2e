export * from './lib/logistics-service.module';
