// The `integration` jest project: everything that needs the real servers (time-skipping
// workflow tests with real PostgreSQL activities, e2e over HTTP) except the long suites of
// `npm run test:extended` (test/support/extendedSuites.js: chaos, the OpenAPI conformance
// run, the production build, the versioning discipline). Its global setup starts the real stack once (Temporal dev server,
// PostgreSQL, worker, API), and only when one of its tests is selected.
// `npm run test:integration [path]` runs it alone.
const unit = require('./jest.unit.config.js');
const extended = require('./test/support/extendedSuites.js');

/** @type {import('jest').Config} */
module.exports = {
  displayName: 'integration',
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts?(x)'],
  // The unit project's tests (jest.unit.config.js), so no test runs twice; the production
  // topology, which has its own command (jest.production.config.js); the extended suites.
  testPathIgnorePatterns: [
    ...extended.map((file) => `<rootDir>/${file.replace(/\./g, '\\.')}$`),
    '/node_modules/',
    '<rootDir>/test/production/',
    '<rootDir>/test/unit/',
    '<rootDir>/test/domain/',
    '<rootDir>/test/notifications/templates\\.test\\.ts$',
  ],
  // Type checking is `tsc --noEmit` in `npm test`; jest only transpiles (isolatedModules).
  transform: unit.transform,
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
  // Used when this file is the config (`npm run test:integration`); under jest.config.js
  // the top-level testTimeout applies.
  testTimeout: 60_000,
};
