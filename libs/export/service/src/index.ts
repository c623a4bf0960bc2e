export * from './lib/export-service.module';
