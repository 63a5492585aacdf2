// The size of the worker's workflow cache. Temporal's default sizes it from the V8 heap
// as if the worker owned the heap, while under `npm start` the API shares the process.
// Measured with `BENCH_MODE=memory` (README, Performance): a cached case costs about
// 0.52 MB of RSS (2,000 open, all cached: 377 → 1,414 MB), since the OpenTelemetry
// workflow interceptors are bundled only when tracing is on (they made it ~3 MB, and a
// 2,000-case run died). Budgeted 1 MiB each; evicted workflows replay from history at
// their next task or query (GET of a case p50 197 ms with most evicted, 58 ms cached).
import v8 from 'node:v8';

const MiB = 1024 * 1024;
/** What the API, the bundle and the SDK need besides the cache. */
export const RESERVED_HEAP_MIB = 1024;
/** What one cached case workflow is budgeted (measured about 0.52 MB, doubled for the heap's slack). */
export const MIB_PER_CACHED_WORKFLOW = 1;
const MIN_CACHED = 10;

/** WORKER_MAX_CACHED_WORKFLOWS if set, else what fits the heap beside the reserve. */
export function maxCachedWorkflows(configured: number | undefined, heapLimitMiB = v8.getHeapStatistics().heap_size_limit / MiB): number {
  if (configured !== undefined) return configured;
  return Math.max(MIN_CACHED, Math.floor((heapLimitMiB - RESERVED_HEAP_MIB) / MIB_PER_CACHED_WORKFLOW));
}
