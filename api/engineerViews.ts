// The engineer's view of a case (least privilege): the visit's facts and their own
// offer, built from the same row as the full view. Strict schemas, so OpenAPI shows the
// two views as distinct shapes and a client can tell which one it got.
import { z } from 'zod';
import type { Actor, Stage } from '../domain';
import { isEngineerVisible } from '../domain/engineerView';
import { PrioritySchema, StageSchema } from '../domain/schemas';
import type { CaseEventRow, CaseRow } from '../db/queries/cases';
import { caseView, CaseViewSchema, type CaseView } from './views';

const full = CaseViewSchema.shape;

export const EngineerCaseViewSchema = z
  .strictObject({
    caseNo: full.caseNo,
    stage: StageSchema,
    priority: PrioritySchema,
    customer: z.strictObject({
      name: z.string(),
      phone: z.string(),
      address: z.string(),
      lat: z.number().nullable(),
      lng: z.number().nullable(),
      region: z.string().nullable(),
      language: z.string(),
    }),
    product: full.product,
    faultDescription: full.faultDescription,
    attachments: full.attachments,
    preferredWindows: full.preferredWindows,
    engineer: full.engineer,
    offer: z.strictObject({ round: z.int(), expiresAt: z.string() }).nullable().meta({ description: 'The offer made to you, while it is open' }),
    appointment: full.appointment,
    visits: full.visits,
    checkOut: full.checkOut,
    contact: full.contact,
    diagnosis: full.diagnosis,
    quote: full.quote,
    visitOutcome: full.visitOutcome,
    partsUsed: full.partsUsed,
    reschedules: full.reschedules,
    noShows: full.noShows,
    reworks: full.reworks,
    createdAt: full.createdAt,
    updatedAt: full.updatedAt,
    closedAt: full.closedAt,
  })
  .meta({
    id: 'EngineerCase',
    description: "An engineer's view of a case: no dispatch ranking, other engineers, customer tier, rating, metrics, cancel reason or opener",
  });
export type EngineerCaseView = z.infer<typeof EngineerCaseViewSchema>;

export const EngineerCaseEventSchema = z
  .strictObject({
    type: z.string().meta({ example: 'appointment.booked' }),
    fromStage: z.union([StageSchema, z.null()]),
    toStage: StageSchema,
    occurredAt: z.string(),
  })
  .meta({ id: 'EngineerCaseEvent', description: 'A step of the visit (no actor, no data); offers only those made to you' });

export function engineerCaseView(row: CaseRow, engineerId: string): EngineerCaseView {
  const v = caseView(row);
  const ownOffer = v.offer && v.offer.engineerId === engineerId ? { round: v.offer.round, expiresAt: v.offer.expiresAt } : null;
  const { tier: _tier, ...customer } = v.customer;
  return {
    caseNo: v.caseNo,
    stage: v.stage,
    priority: v.priority,
    customer,
    product: v.product,
    faultDescription: v.faultDescription,
    attachments: v.attachments,
    preferredWindows: v.preferredWindows,
    engineer: v.engineer?.id === engineerId ? v.engineer : null,
    offer: ownOffer,
    appointment: v.appointment,
    visits: v.visits,
    checkOut: v.checkOut,
    contact: v.contact,
    diagnosis: v.diagnosis,
    quote: v.quote,
    visitOutcome: v.visitOutcome,
    partsUsed: v.partsUsed,
    reschedules: v.reschedules,
    noShows: v.noShows,
    reworks: v.reworks,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    closedAt: v.closedAt,
  };
}

export function engineerTimeline(events: CaseEventRow[], engineerId: string): Array<z.infer<typeof EngineerCaseEventSchema>> {
  return events
    .filter((e) => isEngineerVisible(e, engineerId))
    .map((e) => ({ type: e.type, fromStage: (e.fromStage as Stage | null) ?? null, toStage: e.toStage as Stage, occurredAt: e.occurredAt.toISOString() }));
}

export const EngineerCaseEnvelopeSchema = z.strictObject({ case: EngineerCaseViewSchema }).meta({ id: 'EngineerCaseEnvelope' });
export const EngineerCaseDetailSchema = z
  .strictObject({ case: EngineerCaseViewSchema, timeline: z.array(EngineerCaseEventSchema) })
  .meta({ id: 'EngineerCaseDetail', description: "An engineer's GET /cases/:caseNo: no live workflow state, complaints or internal events" });
export const EngineerCasePageSchema = z
  .strictObject({ items: z.array(EngineerCaseViewSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'EngineerCasePage' });

/** A response that depends on the caller's role: the full view, or the engineer's. */
export function perRole<F extends z.ZodType, E extends z.ZodType>(fullView: F, engineerView: E) {
  return z.union([fullView, engineerView]).meta({ description: 'Engineers get the second shape (their view); every other role the first' });
}

/** The case as this caller may see it. */
export function caseFor(row: CaseRow, actor: Actor): CaseView | EngineerCaseView {
  return actor.role === 'engineer' ? engineerCaseView(row, actor.subject ?? '') : caseView(row);
}
