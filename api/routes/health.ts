// Liveness (the process answers) apart from readiness (it can do its work: Temporal and
// PostgreSQL reachable, and some worker polling the task queue; without one, every
// case move would only wait for its deadline). Anyone sees up/down per component; error
// texts, addresses and the task queue only ops and admin keys (they would tell an
// outsider where the servers are and what fails). The details also say whether escalations
// can always find someone (routing: roles without a global fallback); that is not
// readiness, so it never changes the status.
import type { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Role } from '../../domain';
import type { Database } from '../../db/client';
import { missingGlobalFallbacks } from '../../db/queries/routingCheck';
import { defineRoute, type RouteSpec } from '../routeSpec';

const PROBE_TIMEOUT_MS = 3_000;
/** A polling worker renews its long poll at least once a minute; older pollers are gone. */
const POLLER_FRESH_MS = 90_000;

/** Who sees the details. */
const DETAIL_ROLES: readonly Role[] = ['ops', 'admin'];

const Check = z.object({
  ok: z.boolean(),
  error: z.string().optional().meta({ description: 'Why the check failed (ops and admin keys only)' }),
  address: z.string().optional().meta({ description: 'Where the component is (ops and admin keys only; never a password)' }),
});
const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    temporal: Check,
    database: Check,
    workers: Check.extend({
      pollers: z.int().optional().meta({ description: 'Workers polling the workflow task queue lately (ops and admin keys only)' }),
      taskQueue: z.string().optional().meta({ description: 'The workflow task queue (ops and admin keys only)' }),
    }),
    routing: Check.extend({
      globalFallbackMissing: z
        .array(z.string())
        .optional()
        .meta({ description: 'Routed roles (supervisor, manager, dispatcher) without a usable global fallback: escalations outside every shift reach nobody' }),
    })
      .optional()
      .meta({ description: 'Ops and admin keys only; ok: every routed role has a global fallback. Never changes status' }),
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
      description:
        'Also at /health/ready. A worker that stopped polling drops out within 90 s. Without a key: up/down per component; an ops or admin key also sees error texts, addresses and the task queue.',
      detailRoles: DETAIL_ROLES,
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
      detailRoles: DETAIL_ROLES,
      responses: {
        200: { description: 'Ready', schema: HealthSchema },
        503: { description: 'Not ready: which check failed', schema: HealthSchema },
      },
      handler: readiness,
    }),
  ];

  async function readiness({ req, res }: { req: import('express').Request; res: import('express').Response }): Promise<void> {
    const details = !!req.actor && (DETAIL_ROLES as readonly string[]).includes(req.actor.role);
    const [temporal, database, polling, fallbacks] = await Promise.all([
      probe(() => deps.client.workflowService.getSystemInfo({})),
      probe(() => deps.db.execute(sql`SELECT 1`)),
      probe(() => recentPollers(deps.client, deps.taskQueue)),
      details ? probe(() => missingGlobalFallbacks(deps.db)) : undefined,
    ]);
    const pollers = polling.value ?? 0;
    const workers = polling.ok
      ? { ok: pollers > 0, pollers, ...(pollers > 0 ? {} : { error: `no worker is polling task queue ${deps.taskQueue}` }) }
      : { ok: false, pollers: 0, error: polling.error };
    const ok = temporal.ok && database.ok && workers.ok;
    res.set('Cache-Control', 'no-store');
    const status = ok ? 'ok' : 'degraded';
    if (!details) {
      res.status(ok ? 200 : 503).json({ status, temporal: { ok: temporal.ok }, database: { ok: database.ok }, workers: { ok: workers.ok } });
      return;
    }
    res.status(ok ? 200 : 503).json({
      status,
      temporal: { ...strip(temporal), address: temporalAddress(deps.client) },
      database: { ...strip(database), address: databaseAddress(deps.db) },
      workers: { ...workers, taskQueue: deps.taskQueue },
      routing: routingCheck(fallbacks!),
    });
  }
}

function routingCheck(probed: { ok: boolean; error?: string; value?: string[] }): { ok: boolean; error?: string; globalFallbackMissing?: string[] } {
  if (!probed.ok) return { ok: false, error: probed.error };
  const missing = probed.value ?? [];
  return missing.length
    ? { ok: false, globalFallbackMissing: missing, error: `no global fallback for ${missing.join(', ')}: escalations outside every shift reach nobody` }
    : { ok: true, globalFallbackMissing: [] };
}

function strip(check: { ok: boolean; error?: string }): { ok: boolean; error?: string } {
  return check.ok ? { ok: true } : { ok: false, error: check.error };
}

/** The frontend the client talks to (a Connection has options.address; other ConnectionLikes may not). */
function temporalAddress(client: Client): string | undefined {
  return (client.connection as { options?: { address?: string } }).options?.address;
}

/** host:port/database of the pool, without user or password. */
function databaseAddress(db: Database): string {
  const options = db.$client.options;
  try {
    const url = new URL(options.connectionString ?? '');
    return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return `${options.host ?? 'localhost'}:${options.port ?? 5432}/${options.database ?? ''}`;
  }
}
