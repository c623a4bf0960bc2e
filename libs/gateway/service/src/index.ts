export * from './lib/gateway.module';
export * from './lib/gateway-config';
export * from './lib/api/gateway-http';
export * from './lib/api/openapi-document';
