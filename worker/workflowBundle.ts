// The workflow bundle: built once by `npm run build` (scripts/build-workflow-bundle.ts →
// dist/workflow-bundle.js, and dist/workflow-bundle-traced.js for tracing) and loaded as is
// by the production worker, so what runs in production is exactly the code the replay test
// checked; without a prebuilt file (tsx in development) it is built in memory at start.
// One set of bundler options for all of them.
//
// Two bundles because OpenTelemetry's workflow interceptors are not free: with them in the
// bundle, each cached open case cost ~3 MB of worker memory, without them ~0.6 MB
// (README Performance, "Memory"). They add spans only, never a command, so histories
// replay the same on both (test/workflows/historyReplay.test.ts replays on both).
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type Logger as SdkLogger, type WorkflowBundleOption } from '@temporalio/worker';

/** Where `npm run build` writes the bundle, relative to the compiled worker (dist/worker/). */
export function prebuiltBundle(traced: boolean): string {
  return path.resolve(__dirname, '..', traced ? 'workflow-bundle-traced.js' : 'workflow-bundle.js');
}

/**
 * Bundled with the workflows: always the request-id interceptors (the HTTP request id from
 * the API's headers into activity headers and workflow log lines); when tracing is on, also
 * OpenTelemetry's workflow interceptors (spans for the workflow and the activities it
 * schedules, exported through the worker's sink; trace ids on workflow log lines).
 */
export function workflowInterceptorModules(traced: boolean): string[] {
  const requestId = require.resolve('../workflows/requestIdInterceptors');
  return traced ? [requestId, require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')] : [requestId];
}

export function buildWorkflowBundle(opts: { traced: boolean; logger?: SdkLogger }) {
  return bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    workflowInterceptorModules: workflowInterceptorModules(opts.traced),
    logger: opts.logger,
  });
}

/**
 * WORKFLOW_BUNDLE_PATH, else the prebuilt bundle beside the compiled worker (traced when
 * tracing is on), else bundled now. Says which, so an operator can tell what a worker runs.
 */
export async function workflowBundleOption(
  env: NodeJS.ProcessEnv,
  opts: { traced: boolean; logger?: SdkLogger },
): Promise<{ bundle: WorkflowBundleOption; source: string }> {
  const explicit = env.WORKFLOW_BUNDLE_PATH;
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new Error(`WORKFLOW_BUNDLE_PATH ${explicit} does not exist`);
    return { bundle: { codePath: path.resolve(explicit) }, source: path.resolve(explicit) };
  }
  const prebuilt = prebuiltBundle(opts.traced);
  if (fs.existsSync(prebuilt)) return { bundle: { codePath: prebuilt }, source: prebuilt };
  return { bundle: await buildWorkflowBundle(opts), source: opts.traced ? 'bundled at start (traced)' : 'bundled at start' };
}
