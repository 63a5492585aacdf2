import type { Client } from '@temporalio/client';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { defineRoute, type RouteSpec } from '../routeSpec';

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    temporal: z.object({ ok: z.boolean(), error: z.string().optional() }),
    database: z.object({ ok: z.boolean(), error: z.string().optional() }),
  })
  .meta({ id: 'Health' });

async function probe(check: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 3 s')), 3000))]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

export function healthRoutes(deps: { client: Client; db: Database }): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/health',
      tag: 'Operations',
      summary: 'Are Temporal and PostgreSQL reachable?',
      responses: {
        200: { description: 'Both reachable', schema: HealthSchema },
        503: { description: 'One of them is not', schema: HealthSchema },
      },
      async handler({ res }) {
        const [temporal, database] = await Promise.all([
          probe(() => deps.client.workflowService.getSystemInfo({})),
          probe(() => deps.db.execute(sql`SELECT 1`)),
        ]);
        const ok = temporal.ok && database.ok;
        res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', temporal, database });
      },
    }),
  ];
}
