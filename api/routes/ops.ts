// /ops: what is stuck and why — breached SLAs, cases that have not moved, activities
// failing again and again (attempt counts from Temporal's describe) — and the ops
// actions on them. Reassign and cancel are the case routes (audited on the timeline);
// "retry now" resets the backoff of a failing activity.
import type { Client } from '@temporalio/client';
import { and, asc, desc, eq, inArray, lt, notInArray, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { caseEvents, cases, complaints } from '../../db/schema';
import { CLOSED_COMPLAINT_STAGES } from '../../domain/complaints';
import { CLOSED_STAGES } from '../../domain';
import { CaseNoSchema, ErrorSchema } from '../../domain/schemas';
import { ComplaintNoSchema } from '../../domain/complaintSchemas';
import type { ApiDeadlines } from '../deadlines';
import { strictInt } from '../../domain/strictInt';
import { HttpError } from '../errors';
import { parkedCalls, parkedWorkflows, retryNow } from '../parkedCases';
import { defineRoute, type RouteSpec } from '../routeSpec';

const StuckQuery = z
  .strictObject({
    stalledMinutes: strictInt(1, 60 * 24 * 30)
      .default(240)
      .meta({ description: 'A case not moved for this long is stalled' }),
    minAttempts: strictInt(2, 1000).default(3).meta({ description: 'An activity failing this many times is reported' }),
    scan: strictInt(0, 500).default(100).meta({ description: 'How many of the stalest open cases to describe in Temporal' }),
    limit: strictInt(1, 500).default(100),
  })
  .meta({ id: 'StuckQuery' });

const StuckItem = z
  .object({
    caseNo: z.string(),
    workflowId: z.string(),
    stage: z.string(),
    priority: z.string(),
    engineerId: z.string().nullable(),
    updatedAt: z.string(),
    reasons: z.array(
      z.object({
        kind: z.enum(['sla_breached', 'stalled', 'activity_failing', 'workflow_task_failing', 'needs_attention']),
        detail: z.string(),
        activityId: z.string().optional(),
        attempt: z.int().optional(),
      }),
    ),
  })
  .meta({ id: 'StuckCase' });

const StuckComplaint = z
  .object({
    complaintNo: z.string(),
    stage: z.string(),
    grade: z.string(),
    owner: z.string(),
    caseNo: z.string().nullable(),
    updatedAt: z.string(),
    reasons: z.array(z.object({ kind: z.enum(['sla_breached', 'stalled', 'needs_attention']), detail: z.string() })),
  })
  .meta({ id: 'StuckComplaint' });

const roles = ['ops', 'supervisor', 'admin'] as const;
const errors = {
  400: { description: 'Invalid input', schema: ErrorSchema },
  401: { description: 'Missing or unknown API key', schema: ErrorSchema },
  403: { description: 'Role not allowed', schema: ErrorSchema },
};

export function opsRoutes(deps: { client: Client; db: Database; deadlines: ApiDeadlines }): RouteSpec[] {
  const { client, db } = deps;
  const open = notInArray(cases.stage, [...CLOSED_STAGES]);

  return [
    defineRoute<unknown, z.output<typeof StuckQuery>, unknown>({
      method: 'get',
      path: '/ops/stuck',
      tag: 'Ops',
      summary: 'Open cases that need a person: SLA breached, not moving, or an activity failing repeatedly — each with its reasons',
      roles,
      query: StuckQuery,
      responses: {
        200: {
          description: 'Stuck cases, most escalated first; and open complaints past their response standard or not moving',
          schema: z.object({ items: z.array(StuckItem), complaints: z.array(StuckComplaint) }),
        },
        ...errors,
      },
      async handler({ req, res, query }) {
        const stalledBefore = new Date(Date.now() - query.stalledMinutes * 60_000);
        const flagged = await db
          .select()
          .from(cases)
          .where(and(open, sql`(${cases.slaBreached} OR ${cases.updatedAt} < ${stalledBefore})`))
          .orderBy(desc(cases.escalationLevel), asc(cases.updatedAt))
          .limit(query.limit);
        const byCase = new Map<string, z.infer<typeof StuckItem>>();
        const item = (r: typeof cases.$inferSelect) => {
          let it = byCase.get(r.caseNo);
          if (!it) {
            it = {
              caseNo: r.caseNo,
              workflowId: r.workflowId,
              stage: r.stage,
              priority: r.priority,
              engineerId: r.engineerId,
              updatedAt: r.updatedAt.toISOString(),
              reasons: [],
            };
            byCase.set(r.caseNo, it);
          }
          return it;
        };
        const lastSla = flagged.length
          ? await db
              .selectDistinctOn([caseEvents.caseNo], { caseNo: caseEvents.caseNo, data: caseEvents.data })
              .from(caseEvents)
              .where(
                and(
                  inArray(
                    caseEvents.caseNo,
                    flagged.map((r) => r.caseNo),
                  ),
                  eq(caseEvents.type, 'sla.escalated'),
                ),
              )
              // The latest in time: after a reset seq numbers repeat across runs.
              .orderBy(caseEvents.caseNo, desc(caseEvents.occurredAt), desc(caseEvents.seq), desc(caseEvents.id))
          : [];
        const slaByCase = new Map(lastSla.map((e) => [e.caseNo, e.data as { clock?: string; level?: number; targetMinutes?: number }]));
        for (const r of flagged) {
          if (r.slaBreached) {
            const e = slaByCase.get(r.caseNo);
            item(r).reasons.push({
              kind: 'sla_breached',
              detail: `SLA breached: escalation level ${r.escalationLevel}${e?.clock ? ` on ${e.clock} (target ${e.targetMinutes} min)` : ''}`,
            });
          }
          if (r.updatedAt < stalledBefore) {
            const minutes = Math.round((Date.now() - r.updatedAt.getTime()) / 60_000);
            item(r).reasons.push({ kind: 'stalled', detail: `no movement for ${minutes} min in stage ${r.stage}` });
          }
        }
        // Parked cases (a step the database refused for good) wait for a person: find them
        // by their search attribute, and what they wait on from their live state.
        const parked = await parkedWorkflows(client, 'case', query.limit);
        if (parked.length) {
          const rows = await db
            .select()
            .from(cases)
            .where(
              inArray(
                cases.caseNo,
                parked.map((p) => p.no),
              ),
            );
          await Promise.all(
            rows.map(async (r) => {
              const calls = await parkedCalls(client, 'case', r.workflowId, deps.deadlines.liveQueryMs);
              for (const c of calls.length ? calls : [{ activity: 'a step', error: 'refused by the database (see the Temporal UI)' }]) {
                item(r).reasons.push({
                  kind: 'needs_attention',
                  detail: `${c.activity} parked: ${c.error}; fix the cause, then POST /ops/cases/${r.caseNo}/retry-now`,
                });
              }
            }),
          );
        }
        // Repeated failures are only visible in Temporal: describe the stalest open cases.
        const scanned = query.scan ? await db.select().from(cases).where(open).orderBy(asc(cases.updatedAt)).limit(query.scan) : [];
        await Promise.all(
          scanned.map(async (r) => {
            try {
              const d = await client.workflow.getHandle(r.workflowId).describe();
              for (const a of d.raw.pendingActivities ?? []) {
                const attempt = a.attempt ?? 0;
                if (attempt >= query.minAttempts) {
                  item(r).reasons.push({
                    kind: 'activity_failing',
                    detail: `${a.activityType?.name ?? 'activity'} failed ${attempt - 1} times: ${a.lastFailure?.message ?? 'unknown error'}`,
                    activityId: a.activityId ?? undefined,
                    attempt,
                  });
                }
              }
              const wft = d.raw.pendingWorkflowTask;
              if (wft && (wft.attempt ?? 0) >= query.minAttempts) {
                item(r).reasons.push({ kind: 'workflow_task_failing', detail: `workflow task attempt ${wft.attempt}`, attempt: wft.attempt ?? undefined });
              }
            } catch (err) {
              req.log?.warn({ err, caseNo: r.caseNo }, 'describe failed');
            }
          }),
        );
        res.json({
          items: [...byCase.values()].filter((i) => i.reasons.length > 0),
          complaints: await stuckComplaints(deps, stalledBefore, query.limit),
        });
      },
    }),
    defineRoute<{ caseNo: string }, unknown, z.output<typeof RetryBody>>({
      method: 'post',
      path: '/ops/cases/:caseNo/retry-now',
      tag: 'Ops',
      summary: "Retry the case's failing activities now instead of waiting for their backoff, and resume its parked steps",
      description: 'A step the database refused for good parks the case (needs_attention in /ops/stuck); after fixing the cause, this runs it again.',
      roles,
      params: z.strictObject({ caseNo: CaseNoSchema }),
      body: RetryBody,
      responses: {
        200: { description: 'Activities reset and parked steps resumed', schema: RetryResult },
        ...errors,
        404: { description: 'Unknown case', schema: ErrorSchema },
      },
      async handler({ req, res, actor, params, body }) {
        const [row] = await db.select().from(cases).where(eq(cases.caseNo, params.caseNo));
        if (!row) throw new HttpError(404, 'case_not_found', `no case ${params.caseNo}`);
        const result = await retryNow(client, row.workflowId, actor, body.reason);
        req.log?.info({ caseNo: row.caseNo, actor, reason: body.reason, ...result }, 'ops retry-now');
        res.json(result);
      },
    }),
    defineRoute<{ complaintNo: string }, unknown, z.output<typeof RetryBody>>({
      method: 'post',
      path: '/ops/complaints/:complaintNo/retry-now',
      tag: 'Ops',
      summary: "Retry the complaint's failing activities now and resume its parked steps",
      description: 'A step the database refused for good parks the complaint (needs_attention in /ops/stuck); after fixing the cause, this runs it again.',
      roles,
      params: z.strictObject({ complaintNo: ComplaintNoSchema }),
      body: RetryBody,
      responses: {
        200: { description: 'Activities reset and parked steps resumed', schema: RetryResult },
        ...errors,
        404: { description: 'Unknown complaint', schema: ErrorSchema },
      },
      async handler({ req, res, actor, params, body }) {
        const [row] = await db.select().from(complaints).where(eq(complaints.complaintNo, params.complaintNo));
        if (!row) throw new HttpError(404, 'complaint_not_found', `no complaint ${params.complaintNo}`);
        const result = await retryNow(client, row.workflowId, actor, body.reason);
        req.log?.info({ complaintNo: row.complaintNo, actor, reason: body.reason, ...result }, 'ops retry-now');
        res.json(result);
      },
    }),
  ];
}

const RetryBody = z.strictObject({ reason: z.string().trim().min(1).max(500) }).meta({ id: 'RetryNowBody' });
const RetryResult = z.object({ reset: z.array(z.string()), resumed: z.int() }).meta({ id: 'RetryNowResult' });

/** Open complaints past their response standard, not moving, or parked for a person. */
async function stuckComplaints(deps: { client: Client; db: Database; deadlines: ApiDeadlines }, stalledBefore: Date, limit: number) {
  const { client, db } = deps;
  const parked = await parkedWorkflows(client, 'complaint', limit);
  const parkedNos = parked.map((p) => p.no);
  const rows = await db
    .select()
    .from(complaints)
    .where(
      and(
        notInArray(complaints.stage, [...CLOSED_COMPLAINT_STAGES]),
        or(complaints.slaBreached, lt(complaints.updatedAt, stalledBefore), parkedNos.length ? inArray(complaints.complaintNo, parkedNos) : sql`false`),
      ),
    )
    .orderBy(desc(complaints.escalationLevel), asc(complaints.updatedAt))
    .limit(limit);
  return Promise.all(
    rows.map(async (c) => {
      const calls = parkedNos.includes(c.complaintNo) ? await parkedCalls(client, 'complaint', c.workflowId, deps.deadlines.liveQueryMs) : [];
      const parkedReasons = parkedNos.includes(c.complaintNo)
        ? (calls.length ? calls : [{ activity: 'a step', error: 'refused by the database (see the Temporal UI)' }]).map((call) => ({
            kind: 'needs_attention' as const,
            detail: `${call.activity} parked: ${call.error}; fix the cause, then POST /ops/complaints/${c.complaintNo}/retry-now`,
          }))
        : [];
      return {
        complaintNo: c.complaintNo,
        stage: c.stage,
        grade: c.grade,
        owner: c.owner,
        caseNo: c.caseNo,
        updatedAt: c.updatedAt.toISOString(),
        reasons: [
          ...(c.slaBreached
            ? [
                {
                  kind: 'sla_breached' as const,
                  detail: `response standard breached: escalation level ${c.escalationLevel} (${c.acknowledgedAt ? 'resolve' : 'acknowledge'} clock)`,
                },
              ]
            : []),
          ...(c.updatedAt < stalledBefore
            ? [{ kind: 'stalled' as const, detail: `no movement for ${Math.round((Date.now() - c.updatedAt.getTime()) / 60_000)} min in stage ${c.stage}` }]
            : []),
          ...parkedReasons,
        ],
      };
    }),
  );
}
