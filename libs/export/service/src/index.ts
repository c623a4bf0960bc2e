export * from './lib/export-service.module';
export * from './lib/export-service-config';
