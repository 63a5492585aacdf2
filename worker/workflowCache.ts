// The size of the worker's workflow cache. Temporal's default sizes it from the V8 heap
// as if the worker owned the heap (about 2,300 workflows under a 4 GiB heap), while under
// `npm start` the API shares the process. Measured with `BENCH_MODE=memory` (400 open
// cases): +3.07 MB RSS per case with every case cached, +0.82 MB with a 20-workflow cache.
// Most of a cached case is the OpenTelemetry workflow interceptors' per-workflow state
// (0.58 MB per case without them); a smaller cache alone did not keep a 2,000-case run
// alive (README, Performance). Evicted workflows replay from history at their next task.
import v8 from 'node:v8';

const MiB = 1024 * 1024;
/** What the API, the bundle and the SDK need besides the cache. */
export const RESERVED_HEAP_MIB = 1024;
/** What one cached case workflow is budgeted (measured about 3.5 MB, rounded up). */
export const MIB_PER_CACHED_WORKFLOW = 4;
const MIN_CACHED = 10;

/** WORKER_MAX_CACHED_WORKFLOWS if set, else what fits the heap beside the reserve. */
export function maxCachedWorkflows(configured: number | undefined, heapLimitMiB = v8.getHeapStatistics().heap_size_limit / MiB): number {
  if (configured !== undefined) return configured;
  return Math.max(MIN_CACHED, Math.floor((heapLimitMiB - RESERVED_HEAP_MIB) / MIB_PER_CACHED_WORKFLOW));
}
