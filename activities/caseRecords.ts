// Writes of the case projection and its timeline. Idempotent: the event is keyed by
// (workflow_id, run_id, seq) and the row only moves forward, so a retried or replayed
// activity changes nothing the second time. The run is in the key because a workflow
// reset starts a new run that counts seq again from the reset point; the row moves
// forward by (updated_at, last_event_seq): the event's workflow time orders runs (a new
// run's events all come after the reset), seq orders events of one instant.
import { sql } from 'drizzle-orm';
import type { CaseEvent, CaseState } from '../domain';
import type { Database, Transaction } from '../db/client';
import { recordSlaResult, recordSlaThreshold, type SlaResultRecord, type ThresholdRecord } from '../db/queries/sla';
import { caseEvents, cases } from '../db/schema';
import { caseRowFrom } from '../db/caseRow';

export { caseRowFrom };
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
