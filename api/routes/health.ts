// Liveness (the process answers) apart from readiness (it can do its work: Temporal and
// PostgreSQL reachable, and some worker polling the task queue; without one, every
// case move would only wait for its deadline).
import type { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { defineRoute, type RouteSpec } from '../routeSpec';

const PROBE_TIMEOUT_MS = 3_000;
/** A polling worker renews its long poll at least once a minute; older pollers are gone. */
const POLLER_FRESH_MS = 90_000;

const Check = z.object({ ok: z.boolean(), error: z.string().optional() });
const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    temporal: Check,
    database: Check,
    workers: Check.extend({ pollers: z.int().meta({ description: 'Workers polling the workflow task queue lately' }) }),
  })
  .meta({ id: 'Health' });

async function probe<T>(check: () => Promise<T>): Promise<{ ok: boolean; error?: string; value?: T }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS);
    });
    return { ok: true, value: await Promise.race([check(), timeout]) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

async function recentPollers(client: Client, taskQueue: string): Promise<number> {
  const res = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue, kind: proto.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  const now = Date.now();
  return (res.pollers ?? []).filter((p) => {
    const t = p.lastAccessTime;
    return t && now - (Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)) < POLLER_FRESH_MS;
  }).length;
}

export function healthRoutes(deps: { client: Client; db: Database; taskQueue: string }): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/health/live',
      tag: 'Operations',
      summary: 'Liveness: the API process answers (no dependency is checked)',
      responses: { 200: { description: 'Alive', schema: z.object({ status: z.literal('alive') }) } },
      async handler({ res }) {
        res.json({ status: 'alive' });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/health',
      tag: 'Operations',
      summary: 'Readiness: Temporal and PostgreSQL reachable, and a worker polling the task queue',
      description: 'Also at /health/ready. A worker that stopped polling drops out within 90 s.',
      responses: {
        200: { description: 'Ready', schema: HealthSchema },
        503: { description: 'Not ready: which check failed', schema: HealthSchema },
      },
      handler: readiness,
    }),
    defineRoute({
      method: 'get',
      path: '/health/ready',
      tag: 'Operations',
      summary: 'Readiness (same as /health)',
      responses: {
        200: { description: 'Ready', schema: HealthSchema },
        503: { description: 'Not ready: which check failed', schema: HealthSchema },
      },
      handler: readiness,
    }),
  ];

  async function readiness({ res }: { res: import('express').Response }): Promise<void> {
    const [temporal, database, polling] = await Promise.all([
      probe(() => deps.client.workflowService.getSystemInfo({})),
      probe(() => deps.db.execute(sql`SELECT 1`)),
      probe(() => recentPollers(deps.client, deps.taskQueue)),
    ]);
    const pollers = polling.value ?? 0;
    const workers = polling.ok
      ? { ok: pollers > 0, pollers, ...(pollers > 0 ? {} : { error: `no worker is polling task queue ${deps.taskQueue}` }) }
      : { ok: false, pollers: 0, error: polling.error };
    const ok = temporal.ok && database.ok && workers.ok;
    res.set('Cache-Control', 'no-store');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', temporal: strip(temporal), database: strip(database), workers });
  }
}

function strip(check: { ok: boolean; error?: string }): { ok: boolean; error?: string } {
  return check.ok ? { ok: true } : { ok: false, error: check.error };
}
