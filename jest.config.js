// One Jest run, three projects: `unit` (pure code, no servers), `handlers` (each service's
// real Nest module on PGlite and the in-process bus: use cases in seconds, no HTTP, no Kafka;
// docs/testing.md) and `integration` (real Kafka + PostgreSQL, started by
// tools/test/run-tests.mjs before Jest runs).
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  moduleNameMapper: { '^@orderline/(.*)$': '<rootDir>/libs/$1/src/index.ts' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: ['reflect-metadata'],
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/tools/**/*.spec.ts'], testPathIgnorePatterns: ['/node_modules/', '\\.handler\\.spec\\.ts$'] },
    { ...shared, displayName: 'handlers', testMatch: ['<rootDir>/libs/**/*.handler.spec.ts'], slowTestThreshold: 30 },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/tests/**/*.e2e-spec.ts'], slowTestThreshold: 120, setupFiles: [...shared.setupFiles, '<rootDir>/tests/support/worker-ports.ts'] },
  ],
};
