export * from './lib/config';
export * from './lib/json-logger';
export * from './lib/problem';
export * from './lib/tokens';
export * from './lib/clock';
export * from './lib/health.controller';
export * from './lib/service-runtime.module';
export * from './lib/http-app';
