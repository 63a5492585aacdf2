// API representations, built from PostgreSQL rows. Zod schemas here document them in
// OpenAPI; the mappers are typed against the schemas so the two cannot drift.
import { z } from 'zod';
import { PrioritySchema, StageSchema, ChannelSchema } from '../domain/schemas';
import type { CaseEventRow, CaseRow } from '../db/queries/cases';
import type { CaseState, Stage } from '../domain';

export const CaseViewSchema = z
  .object({
    caseNo: z.string().meta({ example: 'CS-20261122-000123' }),
    stage: StageSchema,
    priority: PrioritySchema,
    channel: ChannelSchema,
    customer: z.object({
      name: z.string(),
      phone: z.string(),
      address: z.string(),
      lat: z.number().nullable(),
      lng: z.number().nullable(),
      tier: z.string(),
      region: z.string().nullable(),
      language: z.string(),
    }),
    product: z.object({ category: z.string(), model: z.string(), serial: z.string() }),
    faultDescription: z.string(),
    attachments: z.array(z.string()),
    preferredWindows: z.array(z.object({ start: z.string(), end: z.string() })),
    engineer: z.object({ id: z.string(), name: z.string().nullable(), badgeNo: z.string().nullable() }).nullable(),
    offer: z
      .object({ engineerId: z.string(), engineerName: z.string(), round: z.int(), expiresAt: z.string() })
      .nullable()
      .meta({ description: 'The open offer while the case is offered to an engineer' }),
    appointment: z.object({ start: z.string(), end: z.string() }).nullable(),
    visits: z.int(),
    checkOut: z.object({ result: z.string(), resolution: z.string().nullable() }).nullable(),
    contact: z.record(z.string(), z.unknown()).nullable(),
    diagnosis: z.object({ cause: z.string(), at: z.string() }).nullable(),
    quote: z.record(z.string(), z.unknown()).nullable(),
    visitOutcome: z.string().nullable(),
    partsUsed: z.array(z.record(z.string(), z.unknown())),
    reschedules: z.object({ customer: z.int(), engineer: z.int() }),
    noShows: z.object({ customer: z.int(), engineer: z.int() }),
    reworks: z.int(),
    metrics: z.record(z.string(), z.unknown()).nullable().meta({ description: 'Per-stage durations, visits, first-time-fix (archived cases)' }),
    confirmation: z.object({ rating: z.int(), comment: z.string().nullable() }).nullable(),
    cancelReason: z.string().nullable(),
    openedBy: z.object({ role: z.string(), subject: z.string().nullable() }),
    createdAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: 'Case' });
export type CaseView = z.infer<typeof CaseViewSchema>;

export const CaseEventViewSchema = z
  .object({
    seq: z.int().meta({ description: 'Position in its workflow run (a reset starts a new run that counts again from the reset point)' }),
    runId: z.string().meta({ description: "The workflow run that recorded it ('' for events recorded before runs were)" }),
    type: z.string().meta({ example: 'engineer.assigned' }),
    // A union, not .nullable(): on a named schema the generator writes allOf[$ref, …],
    // which no null satisfies (the opening event has no fromStage).
    fromStage: z.union([StageSchema, z.null()]),
    toStage: StageSchema,
    actor: z.object({
      role: z.string(),
      subject: z.string().nullable(),
      personId: z.string().nullable().meta({ description: 'The person whose API key acted (staff directory)' }),
      personName: z.string().nullable(),
    }),
    data: z.record(z.string(), z.unknown()),
    occurredAt: z.string(),
  })
  .meta({ id: 'CaseEvent' });

export function caseView(r: CaseRow): CaseView {
  const snap = (r.snapshot ?? {}) as Partial<CaseState>;
  return {
    caseNo: r.caseNo,
    stage: r.stage as Stage,
    priority: r.priority as CaseView['priority'],
    channel: r.channel as CaseView['channel'],
    customer: {
      name: r.customerName,
      phone: r.customerPhone,
      address: r.customerAddress,
      lat: r.customerLat,
      lng: r.customerLng,
      tier: r.customerTier,
      region: r.region,
      language: r.customerLanguage,
    },
    product: { category: r.productCategory, model: r.productModel, serial: r.productSerial },
    faultDescription: r.faultDescription,
    attachments: r.attachments,
    preferredWindows: r.preferredWindows,
    engineer: r.engineerId ? { id: r.engineerId, name: r.engineerName, badgeNo: snap.engineerBadgeNo ?? null } : null,
    offer: snap.offer
      ? { engineerId: snap.offer.engineerId, engineerName: snap.offer.engineerName, round: snap.offer.round, expiresAt: snap.offer.expiresAt }
      : null,
    appointment: r.appointmentStart && r.appointmentEnd ? { start: r.appointmentStart.toISOString(), end: r.appointmentEnd.toISOString() } : null,
    visits: r.visits,
    checkOut: r.checkOutResult ? { result: r.checkOutResult, resolution: r.resolution } : null,
    contact: (snap.contact as Record<string, unknown> | undefined) ?? null,
    diagnosis: snap.diagnosis ?? null,
    quote: (snap.quote as Record<string, unknown> | undefined) ?? null,
    visitOutcome: snap.visitOutcome ?? null,
    partsUsed: (snap.partsUsed ?? []) as unknown as Record<string, unknown>[],
    reschedules: snap.reschedules ?? { customer: 0, engineer: 0 },
    noShows: snap.noShows ?? { customer: 0, engineer: 0 },
    reworks: snap.reworks ?? 0,
    metrics: (snap.metrics as Record<string, unknown> | undefined) ?? null,
    confirmation: r.rating != null ? { rating: r.rating, comment: r.ratingComment } : null,
    cancelReason: r.cancelReason,
    openedBy: { role: r.openedByRole, subject: r.openedBySubject },
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
  };
}

export function caseEventView(e: CaseEventRow): z.infer<typeof CaseEventViewSchema> {
  return {
    seq: e.seq,
    runId: e.runId,
    type: e.type,
    fromStage: (e.fromStage as Stage | null) ?? null,
    toStage: e.toStage as Stage,
    actor: { role: e.actorRole, subject: e.actorSubject, personId: e.actorPersonId, personName: e.actorPersonName },
    data: e.data,
    occurredAt: e.occurredAt.toISOString(),
  };
}

export const LiveSourceSchema = z.enum(['workflow', 'projection', 'none']).meta({
  description: "Where `live` comes from: the running workflow, or PostgreSQL's last snapshot when the workflow is closed or could not be queried in time",
});

/** GET /cases/:caseNo for every role but engineers (api/engineerViews.ts has theirs). */
export const CaseDetailSchema = z
  .object({
    case: CaseViewSchema,
    live: z
      .record(z.string(), z.unknown())
      .nullable()
      .meta({ description: 'The workflow state (see liveSource); null if neither the workflow nor PostgreSQL had it' }),
    liveSource: LiveSourceSchema,
    timeline: z.array(CaseEventViewSchema),
    complaints: z
      .array(
        z.object({
          complaintNo: z.string(),
          stage: z.string(),
          grade: z.string(),
          category: z.string(),
          source: z.string(),
          createdAt: z.string(),
        }),
      )
      .meta({ description: 'Complaints about this case, oldest first (GET /complaints/:no for each)' }),
  })
  .meta({ id: 'CaseDetail' });
