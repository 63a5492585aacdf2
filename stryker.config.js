// Mutation testing of the domain rules against the fast `unit` jest project:
// `npm run test:mutation` (not part of `npm test`). The HTML and JSON reports go to
// reports/mutation/ (git-ignored); the run fails below the `break` score.
// Only domain/ is mutated: its rules are pure, and the unit tests write their expectations
// by hand (see test/unit/).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
module.exports = {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.unit.config.js', enableFindRelatedTests: true },
  // No type-checker: @stryker-mutator/typescript-checker works, but type-checking each
  // mutant of the zod schemas costs seconds of CPU, which made a run take well over an
  // hour on two cores (the test runner sat idle). Without it, a mutant that would not
  // compile still runs (ts-jest only transpiles) and is killed or reported like any other.
  mutate: ['domain/**/*.ts'],
  coverageAnalysis: 'perTest',
  // Two cores on the development machines and in CI.
  concurrency: 2,
  timeoutMS: 10_000,
  // `npm run test:mutation -- --incremental` reuses the previous run's results for
  // unchanged code and tests.
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: 85 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // The sandbox needs the code the unit tests import (domain, scripts, activities, db,
  // config, README.md), not the local toolchains, data or test output.
  ignorePatterns: ['.tools', '.data', 'dist', 'coverage', 'test-artifacts', 'reports', 'deploy'],
};
