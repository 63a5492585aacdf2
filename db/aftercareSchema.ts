// After the case: the satisfaction callback (回访) task and the maintenance reminder (保养提醒).
import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './columns';

export const callbackTasks = pgTable(
  'callback_tasks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseNo: text('case_no').notNull(),
    customerName: text('customer_name').notNull(),
    customerPhone: text('customer_phone').notNull(),
    engineerId: text('engineer_id'),
    rating: integer('rating'),
    dueAt: ts('due_at').notNull(),
    /** open: in the agents' queue (attempt `attempt`, from due_at); survey: SMS survey sent; done. */
    status: text('status').$type<'open' | 'survey' | 'done'>().notNull(),
    /** Rows written before the callback workflow only (POST /callbacks/:id/result). */
    result: jsonb('result').$type<{ reached: boolean; satisfaction?: number; note?: string }>(),
    doneBy: text('done_by'),
    doneAt: ts('done_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    // Written by the callback workflow (callback-<caseNo>); null on rows from before it.
    workflowId: text('workflow_id'),
    /** The current (or last) attempt, 1-based. */
    attempt: integer('attempt').notNull().default(1),
    /** Queue order, 1 first: low ratings and reworked cases (domain/callbacks). */
    priority: integer('priority').notNull().default(2),
    reworks: integer('reworks').notNull().default(0),
    productCategory: text('product_category'),
    region: text('region'),
    caseKind: text('case_kind'),
    /** The final outcome: satisfied / partly / unsatisfied / refused, or unreachable after every attempt and no survey answer. */
    outcome: text('outcome'),
    /** Overall satisfaction 1-5 when the customer answered (phone or survey). */
    satisfaction: integer('satisfaction'),
    answers: jsonb('answers').$type<Record<string, number | boolean>>(),
    /** How the final outcome came: phone, sms_survey, lapsed. */
    via: text('via'),
    surveySentAt: ts('survey_sent_at'),
    complaintNo: text('complaint_no'),
    /**
     * The writing transaction's start (now()), set on every insert and update by the
     * trigger callback_tasks_touch (migration 0020), whoever writes: the KPI rollup marks the
     * case's intake day stale from it, as it does from case_events.recorded_at. done_at
     * and callback_attempts.recorded_at are workflow times, which may precede the commit.
     */
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('callback_tasks_case_uq').on(t.caseNo),
    index('callback_tasks_updated_idx').on(t.updatedAt),
    index('callback_tasks_open_idx').on(t.status, t.dueAt),
    index('callback_tasks_queue_idx')
      .on(t.priority, t.dueAt, t.id)
      .where(sql`status = 'open'`),
    index('callback_tasks_engineer_idx').on(t.engineerId, t.doneAt),
  ],
);

/** One row per callback attempt: when it was due, what came of it, who recorded it. */
export const callbackAttempts = pgTable(
  'callback_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseNo: text('case_no').notNull(),
    attempt: integer('attempt').notNull(),
    dueAt: ts('due_at').notNull(),
    /** Null while the attempt is open. */
    outcome: text('outcome'),
    satisfaction: integer('satisfaction'),
    answers: jsonb('answers').$type<Record<string, number | boolean>>(),
    note: text('note'),
    via: text('via'),
    recordedBy: text('recorded_by'),
    recordedAt: ts('recorded_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('callback_attempts_case_attempt_uq').on(t.caseNo, t.attempt), index('callback_attempts_recorded_idx').on(t.recordedAt)],
);

export const maintenanceReminders = pgTable(
  'maintenance_reminders',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseNo: text('case_no').notNull(),
    customer: jsonb('customer').$type<Record<string, unknown>>().notNull(),
    product: jsonb('product').$type<Record<string, unknown>>().notNull(),
    dueAt: ts('due_at').notNull(),
    /** due: waiting to be booked; opened: a maintenance case was booked; lapsed: not booked in time; opted_out. */
    status: text('status').$type<'due' | 'opened' | 'lapsed' | 'opted_out'>().notNull(),
    openedCaseNo: text('opened_case_no'),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** The maintenance series (workflow id) and its cycle; null / 0 on rows from before series. */
    seriesId: text('series_id'),
    cycle: integer('cycle').notNull().default(0),
    /** When the reminder SMS went out, and when the customer or an agent booked. */
    sentAt: ts('sent_at'),
    bookedAt: ts('booked_at'),
    bookedVia: text('booked_via'),
  },
  (t) => [
    // A case's series writes one row per cycle; rows from before series are cycle 0.
    uniqueIndex('maintenance_reminders_case_cycle_uq').on(t.caseNo, t.cycle),
    index('maintenance_reminders_status_idx').on(t.status, t.dueAt),
    index('maintenance_reminders_series_idx').on(t.seriesId, t.cycle),
  ],
);

/** A customer's "no more maintenance reminders" for one product (series); honoured by the series at every cycle. */
export const maintenanceOptOuts = pgTable('maintenance_opt_outs', {
  seriesId: text('series_id').primaryKey(),
  caseNo: text('case_no').notNull(),
  via: text('via').$type<'agent' | 'link'>().notNull(),
  by: text('by').notNull(),
  optedOutAt: ts('opted_out_at').notNull().defaultNow(),
});
