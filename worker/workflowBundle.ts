// The workflow bundle: built once by `npm run build` (scripts/build-workflow-bundle.ts →
// dist/workflow-bundle.js) and loaded as is by the production worker, so what runs in
// production is exactly the code the replay test checked; without a prebuilt file (tsx in
// development) it is built in memory at start. One set of bundler options for all three.
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type Logger as SdkLogger, type WorkflowBundleOption } from '@temporalio/worker';

/** Where `npm run build` writes the bundle, relative to the compiled worker (dist/worker/). */
export const PREBUILT_BUNDLE = path.resolve(__dirname, '..', 'workflow-bundle.js');

/**
 * Bundled with the workflows, always: OpenTelemetry's workflow interceptors (spans for the
 * workflow and the activities it schedules, exported through the worker's sink; no-ops
 * when tracing is off). The replay tests bundle with the same list.
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];

export function buildWorkflowBundle(logger?: SdkLogger) {
  return bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES, logger });
}

/**
 * WORKFLOW_BUNDLE_PATH, else dist/workflow-bundle.js beside the compiled worker, else
 * bundled now. Says which, so an operator can tell what a worker runs.
 */
export async function workflowBundleOption(env: NodeJS.ProcessEnv, logger?: SdkLogger): Promise<{ bundle: WorkflowBundleOption; source: string }> {
  const explicit = env.WORKFLOW_BUNDLE_PATH;
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new Error(`WORKFLOW_BUNDLE_PATH ${explicit} does not exist`);
    return { bundle: { codePath: path.resolve(explicit) }, source: path.resolve(explicit) };
  }
  if (fs.existsSync(PREBUILT_BUNDLE)) return { bundle: { codePath: PREBUILT_BUNDLE }, source: PREBUILT_BUNDLE };
  return { bundle: await buildWorkflowBundle(logger), source: 'bundled at start' };
}
