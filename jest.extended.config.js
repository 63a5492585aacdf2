// `npm run test:extended`: the long integration suites (test/support/extendedSuites.js) on
// the same real stack as the integration project. Not part of `npm test`, to keep it near
// 10 minutes; run before a release and by `npm run test:all`.
const integration = require('./jest.integration.config.js');
const extended = require('./test/support/extendedSuites.js');

/** @type {import('jest').Config} */
module.exports = {
  ...integration,
  displayName: 'extended',
  testMatch: extended.map((file) => `<rootDir>/${file}`),
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 600_000,
  reporters: ['default', '<rootDir>/test/support/closingLineReporter.js'],
};
