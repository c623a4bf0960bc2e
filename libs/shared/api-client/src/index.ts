// The generated, typed client of the public REST API, for tests and tools (never for the
// services themselves: the `type:client` tag keeps it out of apps and libs).
export type { components, operations, paths } from './lib/orderline-api.generated';
export * from './lib/orderline-client';
export * from './lib/response-schema-check';
