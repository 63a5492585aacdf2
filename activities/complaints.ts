// Writes of the complaint projection and its timeline. Idempotent like the case's: the
// event is keyed by (workflow_id, run_id, seq) and the row only moves forward by
// (updated_at, last_event_seq), so a reset's new run (seq counted again from the reset
// point) still moves it; see caseRecords.ts.
import { sql } from 'drizzle-orm';
import { normalizePhone } from '../domain';
import type { ComplaintEvent, ComplaintState } from '../domain/complaints';
import type { Database } from '../db/client';
import { complaintEvents, complaints } from '../db/schema';

const date = (iso: string | undefined) => (iso ? new Date(iso) : null);

function onTime(state: ComplaintState, clock: 'acknowledge' | 'resolve'): boolean | null {
  const results = state.sla.results.filter((r) => r.clock === clock);
  if (!results.length) return null;
  return results.every((r) => r.met);
}

export function complaintRowFrom(state: ComplaintState, runId = ''): typeof complaints.$inferInsert {
  return {
    complaintNo: state.complaintNo,
    workflowId: state.workflowId,
    stage: state.stage,
    category: state.category,
    grade: state.grade,
    initialGrade: state.initialGrade,
    channel: state.channel,
    summary: state.summary,
    caseNo: state.caseNo ?? null,
    customerName: state.customer.name ?? null,
    customerPhone: state.customer.phone,
    customerPhoneKey: normalizePhone(state.customer.phone),
    source: state.source,
    trigger: state.trigger?.kind ?? null,
    owner: state.owner,
    reopenCount: state.reopenCount,
    acknowledgeBy: date(state.acknowledgeBy),
    acknowledgedAt: date(state.acknowledgedAt),
    acknowledgedOnTime: onTime(state, 'acknowledge'),
    resolveBy: date(state.resolveBy),
    resolvedAt: date(state.resolvedAt),
    // A re-opened complaint is not resolved until the customer accepts again.
    resolvedOnTime: state.resolvedAt ? onTime(state, 'resolve') : null,
    slaBreached: state.sla.breached,
    escalationLevel: state.sla.level,
    rootCause: state.closing?.rootCause ?? null,
    responsibility: state.closing?.responsibility ?? null,
    openedByRole: state.openedBy.role,
    openedBySubject: state.openedBy.subject ?? null,
    createdAt: new Date(state.openedAt),
    updatedAt: new Date(state.updatedAt),
    closedAt: date(state.closedAt),
    snapshot: state as unknown as Record<string, unknown>,
    lastEventSeq: state.eventSeq,
    runId,
  };
}

export async function writeComplaintEvent(db: Database, state: ComplaintState, event: ComplaintEvent): Promise<{ inserted: boolean }> {
  const runId = event.runId ?? '';
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(complaintEvents)
      .values({
        complaintNo: state.complaintNo,
        workflowId: state.workflowId,
        runId,
        seq: event.seq,
        type: event.type,
        fromStage: event.fromStage,
        toStage: event.toStage,
        actorRole: event.actor.role,
        actorSubject: event.actor.subject ?? null,
        actorPersonId: event.actor.personId ?? null,
        actorPersonName: event.actor.personName ?? null,
        data: event.data,
        occurredAt: new Date(event.occurredAt),
      })
      .onConflictDoNothing({ target: [complaintEvents.workflowId, complaintEvents.runId, complaintEvents.seq] })
      .returning({ id: complaintEvents.id });
    const row = complaintRowFrom(state, runId);
    const { complaintNo: _key, ...changes } = row;
    await tx
      .insert(complaints)
      .values(row)
      .onConflictDoUpdate({
        target: complaints.complaintNo,
        set: changes,
        setWhere: sql`(${complaints.updatedAt}, ${complaints.lastEventSeq}) < (excluded.updated_at, excluded.last_event_seq)`,
      });
    return { inserted: inserted.length > 0 };
  });
}
