// Two jest projects:
// - `unit`: pure code (domain rules, templates, hand-written tables). No servers, no
//   global setup: `npm run test:unit` runs it in seconds, and StrykerJS mutates against it.
// - `integration`: everything else (time-skipping workflow tests with real PostgreSQL
//   activities, e2e over HTTP, chaos, the OpenAPI conformance run). Its global setup
//   starts the real stack (Temporal dev server, PostgreSQL, worker, API) once.
// `npm test` runs both; the integration stack starts only when one of its tests runs.
const transform = { '^.+\\.ts$': 'ts-jest' };

/** Tests that need no server: add new pure test files under test/unit/. */
const UNIT_TESTS = ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/domain/**/*.test.ts', '<rootDir>/test/notifications/templates.test.ts'];

/** @type {import('jest').Config} */
module.exports = {
  // Type checking is `tsc --noEmit` in `npm test`; jest only transpiles (isolatedModules).
  testTimeout: 60_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: UNIT_TESTS,
      transform,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/', '<rootDir>/test/domain/', '<rootDir>/test/notifications/templates\\.test\\.ts$'],
      transform,
      // One real stack (Temporal dev server, PostgreSQL, worker, API) for all its suites.
      globalSetup: '<rootDir>/test/support/globalSetup.ts',
      globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
    },
  ],
};
