// A customer's request to move the visit (up to three windows and a reason): stored here,
// then told to the case workflow (workflows/caseRescheduleRequests.ts), which messages the
// engineer and the dispatcher on duty. A dispatcher accepts one window (the case's existing
// reschedule Update runs then, counting against the limit) or declines it (the customer is
// texted the reason). One open request per case.
import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './columns';

export interface RequestedWindow {
  start: string;
  end: string;
}

export const rescheduleRequests = pgTable(
  'reschedule_requests',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseNo: text('case_no').notNull(),
    /** The engineer assigned when the customer asked (who sees it in their list). */
    engineerId: text('engineer_id'),
    windows: jsonb('windows').$type<RequestedWindow[]>().notNull(),
    reason: text('reason').notNull(),
    /** open → accepted | declined. */
    status: text('status').notNull().default('open'),
    /** Index into windows of the accepted one. */
    chosen: integer('chosen'),
    decisionReason: text('decision_reason'),
    decidedByRole: text('decided_by_role'),
    decidedBySubject: text('decided_by_subject'),
    createdAt: ts('created_at').notNull().defaultNow(),
    decidedAt: ts('decided_at'),
  },
  (t) => [
    uniqueIndex('reschedule_requests_one_open')
      .on(t.caseNo)
      .where(sql`status = 'open'`),
    index('reschedule_requests_status_idx').on(t.status, t.id),
    index('reschedule_requests_engineer_idx').on(t.engineerId, t.id),
  ],
);
