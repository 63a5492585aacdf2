// The worker's workflow cache is sized for a process the API shares (worker/workflowCache.ts).
import { maxCachedWorkflows, MIB_PER_CACHED_WORKFLOW, RESERVED_HEAP_MIB } from '../../worker/workflowCache';
import { loadEnv } from '../../config/env';

describe('the workflow cache size', () => {
  test('from the heap: a 4 GiB heap keeps 3,120 workflows beside a 1 GiB reserve', () => {
    expect(maxCachedWorkflows(undefined, 4144)).toBe(Math.floor((4144 - RESERVED_HEAP_MIB) / MIB_PER_CACHED_WORKFLOW));
    expect(maxCachedWorkflows(undefined, 4144)).toBe(3120);
  });

  test('a small heap still caches a few', () => {
    expect(maxCachedWorkflows(undefined, 1030)).toBe(10);
  });

  test('WORKER_MAX_CACHED_WORKFLOWS wins, 0 included (no cache)', () => {
    expect(maxCachedWorkflows(250, 4144)).toBe(250);
    expect(maxCachedWorkflows(0, 4144)).toBe(0);
  });

  test('the variable is a whole number from 0', () => {
    expect(loadEnv({ WORKER_MAX_CACHED_WORKFLOWS: '300' }).WORKER_MAX_CACHED_WORKFLOWS).toBe(300);
    expect(() => loadEnv({ WORKER_MAX_CACHED_WORKFLOWS: '-1' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
    expect(() => loadEnv({ WORKER_MAX_CACHED_WORKFLOWS: 'many' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
  });
});
