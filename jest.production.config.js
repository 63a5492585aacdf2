// `npm run test:production`: the production topology (test/production/) on the real
// Temporal server built by `npm run install:temporal-server`, with PostgreSQL persistence,
// two workers and two APIs from the compiled build. Not part of `npm test` (it builds and
// starts a cluster of its own; README "Production" gives its duration).
const unit = require('./jest.unit.config.js');

/** @type {import('jest').Config} */
module.exports = {
  displayName: 'production',
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/production/**/*.test.ts'],
  transform: unit.transform,
  testTimeout: 900_000,
  reporters: ['default', '<rootDir>/test/support/closingLineReporter.js'],
};
