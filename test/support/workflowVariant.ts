// A workflow bundle with one deliberate change, for the versioning tests: the source of
// one workflow file is rewritten at bundle time (a webpack loader, so the change applies
// to the real, current file, not a copy), e.g. an extra timer in the dispatch loop with
// or without a patched() guard.
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { workflowInterceptorModules } from '../../worker/workflowBundle';

export interface SourceChange {
  /** The workflow source file, relative to workflows/. */
  file: string;
  /** A regular expression (source) that must match exactly once in that file. */
  find: string;
  /** Its replacement ($1 … refer to groups). */
  replace: string;
  /** Added at the top of the file (imports the change needs). */
  prepend?: string;
}

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

/**
 * `change`: one change, or several (each to its own file). `traced`: with the
 * OpenTelemetry workflow interceptors, as the worker bundles them when tracing is on.
 */
export function bundleWorkflows(change?: SourceChange | SourceChange[], opts: { traced?: boolean } = {}): Promise<WorkflowBundle> {
  const changes = change === undefined ? [] : Array.isArray(change) ? change : [change];
  const workflowsPath = require.resolve('../../workflows');
  return bundleWorkflowCode({
    workflowsPath,
    // As the worker bundles them (the replay tests check what production runs).
    workflowInterceptorModules: workflowInterceptorModules(opts.traced ?? false),
    logger: quiet,
    webpackConfigHook: (config) => {
      for (const one of changes) {
        const target = path.join(path.dirname(workflowsPath), one.file);
        config.module ??= {};
        config.module.rules ??= [];
        config.module.rules.unshift({
          test: (resource: string) => path.resolve(resource) === target,
          enforce: 'pre',
          use: [{ loader: require.resolve('./variantLoader.js'), options: one }],
        });
      }
      return config;
    },
  });
}

/** The deliberate change of the versioning tests: a one-second pause at the start of every dispatch round. */
export function dispatchPause(guarded: boolean): SourceChange {
  return {
    file: 'caseDispatch.ts',
    find: '(const round = \\+\\+[\\w.]*dispatch\\.round;)',
    replace: guarded ? "$1\n    if (__patched('dispatch-round-pause')) await __sleep(1000);" : '$1\n    await __sleep(1000);',
    prepend: "import { patched as __patched, sleep as __sleep } from '@temporalio/workflow';\n",
  };
}
