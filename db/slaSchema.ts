// SLA policy versions, the escalations that fired, and each clock's result per case.
import { bigserial, boolean, index, integer, jsonb, pgTable, serial, text, uniqueIndex, doublePrecision } from 'drizzle-orm/pg-core';
import { ts } from './columns';
import type { SlaPolicy } from '../domain/sla';

/** Append-only versions; the newest is in force. A case keeps the version it started with. */
export const slaPolicies = pgTable('sla_policies', {
  version: serial('version').primaryKey(),
  policy: jsonb('policy').$type<SlaPolicy>().notNull(),
  note: text('note'),
  createdBy: text('created_by').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const escalations = pgTable(
  'escalations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseNo: text('case_no').notNull(),
    workflowId: text('workflow_id').notNull(),
    clock: text('clock').notNull(),
    cycle: integer('cycle').notNull(),
    kind: text('kind').$type<'warning' | 'escalation'>().notNull(),
    level: integer('level').notNull(),
    actions: jsonb('actions').$type<string[]>().notNull(),
    stage: text('stage').notNull(),
    targetMinutes: doublePrecision('target_minutes').notNull(),
    dueAt: ts('due_at').notNull(),
    firedAt: ts('fired_at').notNull(),
  },
  (t) => [
    // A retried activity hits this and writes nothing.
    uniqueIndex('escalations_once_uq').on(t.workflowId, t.clock, t.cycle, t.kind, t.level),
    index('escalations_case_idx').on(t.caseNo),
    index('escalations_fired_idx').on(t.firedAt),
  ],
);

export const slaResults = pgTable(
  'sla_results',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseNo: text('case_no').notNull(),
    workflowId: text('workflow_id').notNull(),
    clock: text('clock').notNull(),
    cycle: integer('cycle').notNull(),
    priority: text('priority').notNull(),
    policyVersion: integer('policy_version').notNull(),
    targetMs: doublePrecision('target_ms').notNull(),
    actualMs: doublePrecision('actual_ms').notNull(),
    pausedMs: doublePrecision('paused_ms').notNull(),
    met: boolean('met').notNull(),
    stoppedAt: ts('stopped_at').notNull(),
  },
  (t) => [
    uniqueIndex('sla_results_once_uq').on(t.workflowId, t.clock, t.cycle),
    index('sla_results_clock_idx').on(t.clock, t.priority),
    // The KPI rollup reads a day's cases' clock results.
    index('sla_results_case_idx').on(t.caseNo),
  ],
);
