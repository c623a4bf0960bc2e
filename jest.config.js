// One Jest run, two projects: `unit` (pure code, no servers) and `integration`
// (real Kafka + PostgreSQL, started by tools/test/run-tests.mjs before Jest runs).
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  moduleNameMapper: { '^@orderline/(.*)$': '<rootDir>/libs/$1/src/index.ts' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: ['reflect-metadata'],
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/tools/**/*.spec.ts'] },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/tests/**/*.e2e-spec.ts'], slowTestThreshold: 120 },
  ],
};
