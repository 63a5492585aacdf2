// The `unit` jest project: pure code (domain rules, templates, hand-written tables).
// No servers and no global setup, so it runs in seconds (`npm run test:unit`); StrykerJS
// mutates `domain/` against it (stryker.config.js). Put new pure tests under test/unit/.
/** @type {import('jest').Config} */
module.exports = {
  displayName: 'unit',
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/unit/**/*.test.ts?(x)', '<rootDir>/test/domain/**/*.test.ts', '<rootDir>/test/notifications/templates.test.ts'],
  // Type checking is `tsc --noEmit` in `npm test`; jest only transpiles (isolatedModules).
  transform: { '^.+\\.tsx?$': 'ts-jest' },
};
