// After the case: the satisfaction callback (回访) task and the maintenance reminder (保养提醒).
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
    status: text('status').$type<'open' | 'done'>().notNull(),
    result: jsonb('result').$type<{ reached: boolean; satisfaction?: number; note?: string }>(),
    doneBy: text('done_by'),
    doneAt: ts('done_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('callback_tasks_case_uq').on(t.caseNo), index('callback_tasks_open_idx').on(t.status, t.dueAt)],
);

export const maintenanceReminders = pgTable(
  'maintenance_reminders',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseNo: text('case_no').notNull(),
    customer: jsonb('customer').$type<Record<string, unknown>>().notNull(),
    product: jsonb('product').$type<Record<string, unknown>>().notNull(),
    dueAt: ts('due_at').notNull(),
    status: text('status').$type<'due' | 'opened'>().notNull(),
    openedCaseNo: text('opened_case_no'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('maintenance_reminders_case_uq').on(t.caseNo), index('maintenance_reminders_status_idx').on(t.status, t.dueAt)],
);
