export * from './lib/gateway.module';
export * from './lib/gateway-config';
export * from './lib/api/gateway-http';
export * from './lib/api/openapi-document';
// `orderline create-operator` (apps/admin-cli) stores operators the way the gateway does.
export { upsertOperator } from './lib/infra/operator-account';
export { scryptCost } from './lib/infra/password-hasher';
