// Writes of the case projection and its timeline. Idempotent: the event is keyed by
// (workflow_id, run_id, seq) and the row only moves forward, so a retried or replayed
// activity changes nothing the second time. The run is in the key because a workflow
// reset starts a new run that counts seq again from the reset point; the row moves
// forward by (updated_at, last_event_seq): the event's workflow time orders runs (a new
// run's events all come after the reset), seq orders events of one instant.
import { sql } from 'drizzle-orm';
import type { CaseEvent, CaseState } from '../domain';
import { normalizePhone } from '../domain';
import type { Database, Transaction } from '../db/client';
import { recordSlaResult, recordSlaThreshold, type SlaResultRecord, type ThresholdRecord } from '../db/queries/sla';
import { caseEvents, cases } from '../db/schema';
import { closeBookings, recordArchive, type ArchiveRecord } from './dispatch';

/** What else a move writes, in the same transaction as its event and row (patch 'case-move-one-write'). */
export interface MoveWrites {
  slaResults?: SlaResultRecord[];
  archive?: ArchiveRecord;
  /** The SLA warning or escalation level this move records. */
  threshold?: ThresholdRecord;
  // Patch 'case-move-folds':
  /** Timeline events written with this one: `before` it (the dispatch round's ranking) and `after` it (the customer told). */
  before?: CaseEvent[];
  after?: CaseEvent[];
  /** The case's visit bookings this move closes. */
  closeBookings?: 'done' | 'cancelled';
  /** A customer link for the message the move sends (signed by the caller: the activity holds the secret). */
  customerLink?: boolean;
}

/** Signs a customer link inside the move's transaction (activities/index.ts). */
export type LinkSigner = (tx: Transaction) => Promise<{ url: string; expiresAt: string } | null>;

export function caseRowFrom(state: CaseState, runId = ''): typeof cases.$inferInsert {
  const { intake } = state;
  return {
    caseNo: state.caseNo,
    workflowId: state.workflowId,
    stage: state.stage,
    priority: state.priority,
    channel: intake.channel,
    customerName: intake.customer.name,
    customerPhone: intake.customer.phone,
    customerPhoneKey: normalizePhone(intake.customer.phone),
    customerAddress: intake.customer.address,
    customerLat: intake.customer.lat ?? null,
    customerLng: intake.customer.lng ?? null,
    customerTier: intake.customer.tier,
    customerLanguage: intake.customer.language,
    region: intake.customer.region ?? null,
    productCategory: intake.product.category,
    productModel: intake.product.model,
    productSerial: intake.product.serial,
    faultDescription: intake.faultDescription,
    attachments: intake.attachments,
    preferredWindows: intake.preferredWindows,
    engineerId: state.engineerId ?? null,
    engineerName: state.engineerName ?? null,
    appointmentStart: state.appointment ? new Date(state.appointment.start) : null,
    appointmentEnd: state.appointment ? new Date(state.appointment.end) : null,
    visits: state.visits,
    checkOutResult: state.checkOut?.result ?? null,
    resolution: state.checkOut?.resolution ?? null,
    rating: state.confirmation?.rating ?? null,
    ratingComment: state.confirmation?.comment ?? null,
    cancelReason: state.cancellation?.reason ?? null,
    openedByRole: state.openedBy.role,
    openedBySubject: state.openedBy.subject ?? null,
    createdAt: new Date(state.openedAt),
    updatedAt: new Date(state.updatedAt),
    closedAt: state.closedAt ? new Date(state.closedAt) : null,
    offeredEngineerId: state.stage === 'offered' ? (state.offer?.engineerId ?? null) : null,
    slaBreached: state.sla?.breached ?? false,
    escalationLevel: state.sla?.level ?? 0,
    nextDeadline: state.sla?.nextDeadline ? new Date(state.sla.nextDeadline) : null,
    snapshot: state as unknown as Record<string, unknown>,
    lastEventSeq: state.eventSeq,
    runId,
    kind: intake.kind ?? 'repair',
  };
}

export interface MoveWritten {
  inserted: boolean;
  /** When the move asked for one (`customerLink`); null without a link secret. */
  customerLink?: { url: string; expiresAt: string } | null;
}

export async function writeCaseEvent(db: Database, state: CaseState, event: CaseEvent, also: MoveWrites = {}, signLink?: LinkSigner): Promise<MoveWritten> {
  const runId = event.runId ?? '';
  const eventRow = (e: CaseEvent) => ({
    caseNo: state.caseNo,
    workflowId: state.workflowId,
    runId,
    seq: e.seq,
    type: e.type,
    fromStage: e.fromStage,
    toStage: e.toStage,
    actorRole: e.actor.role,
    actorSubject: e.actor.subject ?? null,
    actorPersonId: e.actor.personId ?? null,
    actorPersonName: e.actor.personName ?? null,
    data: e.data,
    occurredAt: new Date(e.occurredAt),
  });
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(caseEvents)
      .values([...(also.before ?? []), event, ...(also.after ?? [])].map(eventRow))
      .onConflictDoNothing({ target: [caseEvents.workflowId, caseEvents.runId, caseEvents.seq] })
      .returning({ id: caseEvents.id, seq: caseEvents.seq });

    const row = caseRowFrom(state, runId);
    const { caseNo: _key, ...changes } = row;
    await tx
      .insert(cases)
      .values(row)
      .onConflictDoUpdate({
        target: cases.caseNo,
        set: changes,
        // Snapshots can land out of order when two updates persist concurrently, and an
        // old run's activity still in flight at a reset may land after the new run's.
        setWhere: sql`(${cases.updatedAt}, ${cases.lastEventSeq}) < (excluded.updated_at, excluded.last_event_seq)`,
      });
    // Each is idempotent on its own (unique keys), as when they were activities of their own.
    for (const r of also.slaResults ?? []) await recordSlaResult(tx, r);
    if (also.archive) await recordArchive(tx, also.archive);
    if (also.threshold) await recordSlaThreshold(tx, also.threshold);
    if (also.closeBookings) await closeBookings(tx, { caseNo: state.caseNo, status: also.closeBookings });
    const written: MoveWritten = { inserted: inserted.some((r) => r.seq === event.seq) };
    if (also.customerLink) written.customerLink = signLink ? await signLink(tx) : null;
    return written;
  });
}
