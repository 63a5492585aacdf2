// The idempotency ledger of case and complaint moves: an Idempotency-Key names one
// intended move on one case or complaint. The key becomes the Temporal Update id (so a
// retry gets the first outcome); this row catches a key reused for another move or body.
import { pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { ts } from './columns';

export const moveRequests = pgTable(
  'move_requests',
  {
    /** Case or complaint number. */
    targetNo: text('target_no').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    action: text('action').notNull(),
    /** sha256 of the validated body and the actor. */
    requestHash: text('request_hash').notNull(),
    actorRole: text('actor_role').notNull(),
    actorSubject: text('actor_subject'),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** Set when the move succeeded: a retry after the workflow closed still gets its 200. */
    completedAt: ts('completed_at'),
  },
  (t) => [primaryKey({ columns: [t.targetNo, t.idempotencyKey] })],
);
