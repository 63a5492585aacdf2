// Two jest projects; `npm test` runs both, `npm run test:unit` the first alone.
// - `unit` (jest.unit.config.js): pure code, no servers, seconds.
// - `integration`: everything else (time-skipping workflow tests with real PostgreSQL
//   activities, e2e over HTTP, chaos, the OpenAPI conformance run). Its global setup
//   starts the real stack once, and only when one of its tests is selected.
const unit = require('./jest.unit.config.js');

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  projects: [
    unit,
    {
      displayName: 'integration',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      // The unit project's tests (its testMatch), so no test runs twice.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/', '<rootDir>/test/domain/', '<rootDir>/test/notifications/templates\\.test\\.ts$'],
      // Type checking is `tsc --noEmit` in `npm test`; jest only transpiles (isolatedModules).
      transform: unit.transform,
      // One real stack (Temporal dev server, PostgreSQL, worker, API) for all its suites.
      globalSetup: '<rootDir>/test/support/globalSetup.ts',
      globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
    },
  ],
};
