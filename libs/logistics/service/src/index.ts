export * from './lib/logistics-service.module';
export * from './lib/logistics-config';
