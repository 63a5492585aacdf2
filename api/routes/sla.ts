// /sla: the policy table (versioned; a case keeps the version it opened with), the
// escalations that fired, and met/breached reports computed from the clock results.
import { z } from 'zod';
import type { Database } from '../../db/client';
import { caseEscalations, currentSlaPolicy, listSlaPolicyVersions, saveSlaPolicy, slaReport } from '../../db/queries/sla';
import { CLOCK_LABELS } from '../../domain';
import { CaseNoSchema, ErrorSchema } from '../../domain/schemas';
import { SlaPolicySchema } from '../../domain/slaPolicySchema';
import { strictInt } from '../../domain/strictInt';
import { defineRoute, type RouteSpec } from '../routeSpec';

const PolicyVersionSchema = z.object({ version: z.int(), policy: SlaPolicySchema, clocks: z.record(z.string(), z.string()) }).meta({ id: 'SlaPolicyVersion' });
const errors = {
  400: { description: 'Invalid input (field-level messages)', schema: ErrorSchema },
  401: { description: 'Missing or unknown API key', schema: ErrorSchema },
  403: { description: 'Role not allowed', schema: ErrorSchema },
};
const readers = ['ops', 'supervisor', 'admin', 'dispatcher'] as const;

export function slaRoutes(deps: { db: Database }): RouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/sla/policy',
      tag: 'SLA',
      summary: 'The SLA policy in force: targets per clock and priority, warning, ladder, calendar',
      roles: readers,
      responses: { 200: { description: 'Current version', schema: PolicyVersionSchema }, ...errors },
      async handler({ res }) {
        const current = await currentSlaPolicy(db);
        res.json({ ...current, clocks: CLOCK_LABELS });
      },
    }),
    defineRoute<unknown, unknown, z.output<typeof PutBody>>({
      method: 'put',
      path: '/sla/policy',
      tag: 'SLA',
      summary: 'Publish a new policy version (new cases use it; open cases keep theirs)',
      roles: ['admin'],
      body: PutBody,
      responses: { 201: { description: 'The new version', schema: PolicyVersionSchema }, ...errors },
      async handler({ res, actor, body }) {
        const saved = await saveSlaPolicy(db, body.policy, actor.subject ?? actor.role, body.note);
        res.status(201).json({ ...saved, clocks: CLOCK_LABELS });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/sla/policy/versions',
      tag: 'SLA',
      summary: 'Every policy version, newest first (audit)',
      roles: readers,
      responses: {
        200: {
          description: 'Versions',
          schema: z.object({ items: z.array(z.object({ version: z.int(), note: z.string().nullable(), createdBy: z.string(), createdAt: z.string() })) }),
        },
        ...errors,
      },
      async handler({ res }) {
        const rows = await listSlaPolicyVersions(db);
        res.json({ items: rows.map((r) => ({ version: r.version, note: r.note, createdBy: r.createdBy, createdAt: r.createdAt.toISOString() })) });
      },
    }),
    defineRoute<unknown, z.output<typeof ReportQuery>, unknown>({
      method: 'get',
      path: '/sla/report',
      tag: 'SLA',
      summary: 'Met / breached per clock and priority, from the recorded clock results',
      roles: readers,
      query: ReportQuery,
      responses: {
        200: {
          description: 'Rows per clock and priority',
          schema: z.object({
            since: z.string(),
            rows: z.array(
              z.object({
                clock: z.string(),
                priority: z.string(),
                count: z.int(),
                met: z.int(),
                breached: z.int(),
                metRate: z.number(),
                avgActualMinutes: z.number(),
                avgPausedMinutes: z.number(),
              }),
            ),
            escalations: z.array(z.object({ clock: z.string(), kind: z.string(), level: z.int(), count: z.int() })),
          }),
        },
        ...errors,
      },
      async handler({ res, query }) {
        const since = new Date(Date.now() - query.days * 86_400_000);
        const { rows, fired } = await slaReport(db, since);
        res.json({
          since: since.toISOString(),
          rows: rows.map((r) => ({
            clock: r.clock,
            priority: r.priority,
            count: r.count,
            met: r.met,
            breached: r.count - r.met,
            metRate: r.count ? Math.round((r.met / r.count) * 1000) / 1000 : 0,
            avgActualMinutes: Math.round((r.avgActual / 60_000) * 10) / 10,
            avgPausedMinutes: Math.round((r.avgPaused / 60_000) * 10) / 10,
          })),
          escalations: fired,
        });
      },
    }),
    defineRoute<{ caseNo: string }, unknown, unknown>({
      method: 'get',
      path: '/cases/:caseNo/escalations',
      tag: 'SLA',
      summary: "A case's SLA warnings and escalations",
      roles: ['agent', 'dispatcher', 'ops', 'supervisor', 'admin'],
      params: z.strictObject({ caseNo: CaseNoSchema }),
      responses: { 200: { description: 'Escalations, oldest first', schema: z.object({ items: z.array(z.record(z.string(), z.unknown())) }) }, ...errors },
      async handler({ res, params }) {
        const rows = await caseEscalations(db, params.caseNo);
        res.json({ items: rows.map((r) => ({ ...r, dueAt: r.dueAt.toISOString(), firedAt: r.firedAt.toISOString() })) });
      },
    }),
  ];
}

const PutBody = z.strictObject({ policy: SlaPolicySchema, note: z.string().trim().max(500).optional() }).meta({ id: 'SlaPolicyUpdate' });
const ReportQuery = z.strictObject({ days: strictInt(1, 366).default(30) });
