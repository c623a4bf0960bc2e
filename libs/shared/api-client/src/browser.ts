// The browser's entry point (apps/console): the typed client without the response check, which
// reads docs/api/openapi.json from disk with node:fs and validates with ajv, neither of which a
// page needs (the check runs in the end-to-end tests that drive the same gateway).
export type { components, operations, paths } from './lib/orderline-api.generated';
export * from './lib/orderline-client';
