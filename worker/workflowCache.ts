// The size of the worker's workflow cache. Temporal's default sizes it from the V8 heap
// as if the worker owned the heap (about 2,300 workflows under a 4 GiB heap), but a case
// workflow held about 3.5 MB (RSS grew 4.3 GB with 1,096 open cases in `BENCH_MODE=memory`)
// and under `npm start` the API shares the process: near 2,000 open cases the heap filled,
// workflow tasks took over 5 s in garbage collection and the process died. Sizing from the
// heap with room for the API and a per-workflow cost that matches ours keeps it alive;
// evicted workflows are replayed from history (CPU, not memory) when their next task comes.
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
