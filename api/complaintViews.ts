// API representations of complaints, built from PostgreSQL rows; the schemas document
// them in OpenAPI and type the mappers.
import { z } from 'zod';
import { ComplaintCategorySchema, ComplaintGradeSchema, ComplaintStageSchema } from '../domain/complaintSchemas';
import type { ComplaintStage, ComplaintState } from '../domain/complaints';
import type { ComplaintEventRow, ComplaintRow } from '../db/queries/complaints';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const ComplaintViewSchema = z
  .object({
    complaintNo: z.string().meta({ example: 'CP-20261122-000042' }),
    stage: ComplaintStageSchema,
    category: ComplaintCategorySchema,
    grade: ComplaintGradeSchema,
    initialGrade: ComplaintGradeSchema,
    channel: z.string(),
    summary: z.string(),
    caseNo: z.string().nullable(),
    customer: z.object({ name: z.string().nullable(), phone: z.string(), language: z.string() }),
    source: z.enum(['agent', 'auto']),
    trigger: z.string().nullable().meta({ description: 'low_rating or second_rework for automatic complaints' }),
    owner: z.string(),
    reopenCount: z.int(),
    acknowledgeBy: z.string().nullable(),
    acknowledgedAt: z.string().nullable(),
    acknowledgedOnTime: z.boolean().nullable(),
    resolveBy: z
      .string()
      .nullable()
      .meta({ description: 'While the customer considers a proposal the clock is paused; this is the deadline if it resumed now' }),
    resolvedAt: z.string().nullable(),
    resolvedOnTime: z.boolean().nullable(),
    resolution: z.object({ text: z.string(), compensation: z.object({ amount: z.number(), currency: z.string() }).nullable() }).nullable(),
    callback: z.object({ satisfied: z.boolean(), note: z.string().nullable(), at: z.string() }).nullable(),
    closing: z.object({ rootCause: z.string(), responsibility: z.string(), summary: z.string().nullable() }).nullable(),
    slaBreached: z.boolean(),
    escalationLevel: z.int(),
    openedBy: z.object({ role: z.string(), subject: z.string().nullable() }),
    createdAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: 'Complaint' });
export type ComplaintView = z.infer<typeof ComplaintViewSchema>;

export const ComplaintEventViewSchema = z
  .object({
    seq: z.int().meta({ description: 'Position in its workflow run (a reset starts a new run that counts again from the reset point)' }),
    runId: z.string().meta({ description: "The workflow run that recorded it ('' for events recorded before runs were)" }),
    type: z.string().meta({ example: 'complaint.acknowledged' }),
    // A union, not .nullable(): on a named schema the generator writes allOf[$ref, …],
    // which no null satisfies (the opening event has no fromStage).
    fromStage: z.union([ComplaintStageSchema, z.null()]),
    toStage: ComplaintStageSchema,
    actor: z.object({
      role: z.string(),
      subject: z.string().nullable(),
      personId: z.string().nullable().meta({ description: 'The person whose API key acted (staff directory)' }),
      personName: z.string().nullable(),
    }),
    data: z.record(z.string(), z.unknown()),
    occurredAt: z.string(),
  })
  .meta({ id: 'ComplaintEvent' });

export function complaintView(r: ComplaintRow): ComplaintView {
  const snap = r.snapshot as unknown as Partial<ComplaintState>;
  return {
    complaintNo: r.complaintNo,
    stage: r.stage as ComplaintStage,
    category: r.category as ComplaintView['category'],
    grade: r.grade as ComplaintView['grade'],
    initialGrade: r.initialGrade as ComplaintView['grade'],
    channel: r.channel,
    summary: r.summary,
    caseNo: r.caseNo,
    customer: { name: r.customerName, phone: r.customerPhone, language: snap.customer?.language ?? 'zh-CN' },
    source: r.source,
    trigger: r.trigger,
    owner: r.owner,
    reopenCount: r.reopenCount,
    acknowledgeBy: iso(r.acknowledgeBy),
    acknowledgedAt: iso(r.acknowledgedAt),
    acknowledgedOnTime: r.acknowledgedOnTime,
    resolveBy: iso(r.resolveBy),
    resolvedAt: iso(r.resolvedAt),
    resolvedOnTime: r.resolvedOnTime,
    resolution: snap.resolution ? { text: snap.resolution.text, compensation: snap.resolution.compensation ?? null } : null,
    callback: snap.callback ? { satisfied: snap.callback.satisfied, note: snap.callback.note ?? null, at: snap.callback.at } : null,
    closing: snap.closing ? { rootCause: snap.closing.rootCause, responsibility: snap.closing.responsibility, summary: snap.closing.summary ?? null } : null,
    slaBreached: r.slaBreached,
    escalationLevel: r.escalationLevel,
    openedBy: { role: r.openedByRole, subject: r.openedBySubject },
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    closedAt: iso(r.closedAt),
  };
}

export function complaintEventView(e: ComplaintEventRow): z.infer<typeof ComplaintEventViewSchema> {
  return {
    seq: e.seq,
    runId: e.runId,
    type: e.type,
    fromStage: (e.fromStage as ComplaintStage | null) ?? null,
    toStage: e.toStage as ComplaintStage,
    actor: { role: e.actorRole, subject: e.actorSubject, personId: e.actorPersonId, personName: e.actorPersonName },
    data: e.data,
    occurredAt: e.occurredAt.toISOString(),
  };
}
