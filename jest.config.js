// Two jest projects; `npm test` runs both:
// - `unit` (jest.unit.config.js): pure code, no servers, seconds (`npm run test:unit`);
// - `integration` (jest.integration.config.js): the real stack (`npm run test:integration`).
// Either script takes a path: `npm run test:unit -- test/unit/roles`.
// testTimeout is a global option: under `projects` it is set here, not in the project.
const { testTimeout, ...integration } = require('./jest.integration.config.js');

/** @type {import('jest').Config} */
module.exports = {
  testTimeout,
  // A plain 'N passed, N failed' line on stdout for CI (test/support/closingLineReporter.js).
  reporters: ['default', '<rootDir>/test/support/closingLineReporter.js'],
  // The history replay first: test/support/replayFirstSequencer.js says why.
  testSequencer: '<rootDir>/test/support/replayFirstSequencer.js',
  projects: [require('./jest.unit.config.js'), integration],
};
