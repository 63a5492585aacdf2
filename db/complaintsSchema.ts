// Complaints: a projection of each complaint workflow's state (written only by its
// activities) and the complaint's append-only timeline. The tracking sheet (用户投诉跟踪表)
// and statistics sheet (客户投诉处理统计表) of seed 004 read from here.
import { bigserial, boolean, index, integer, jsonb, pgSequence, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './columns';

export const complaintNoSequence = pgSequence('complaint_no_seq', { startWith: 1 });

export const complaints = pgTable(
  'complaints',
  {
    complaintNo: text('complaint_no').primaryKey(),
    workflowId: text('workflow_id').notNull().unique(),
    stage: text('stage').notNull(),
    category: text('category').notNull(),
    grade: text('grade').notNull(),
    initialGrade: text('initial_grade').notNull(),
    channel: text('channel').notNull(),
    summary: text('summary').notNull(),
    caseNo: text('case_no'),
    customerName: text('customer_name'),
    customerPhone: text('customer_phone').notNull(),
    customerPhoneKey: text('customer_phone_key').notNull(),
    source: text('source').$type<'agent' | 'auto'>().notNull(),
    trigger: text('trigger'),
    owner: text('owner').notNull(),
    reopenCount: integer('reopen_count').notNull().default(0),
    acknowledgeBy: ts('acknowledge_by'),
    acknowledgedAt: ts('acknowledged_at'),
    /** Null until the acknowledge clock stops. */
    acknowledgedOnTime: boolean('acknowledged_on_time'),
    resolveBy: ts('resolve_by'),
    resolvedAt: ts('resolved_at'),
    /** Null until resolved; false if any resolve cycle overran. */
    resolvedOnTime: boolean('resolved_on_time'),
    slaBreached: boolean('sla_breached').notNull().default(false),
    escalationLevel: integer('escalation_level').notNull().default(0),
    rootCause: text('root_cause'),
    responsibility: text('responsibility'),
    openedByRole: text('opened_by_role').notNull(),
    openedBySubject: text('opened_by_subject'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    closedAt: ts('closed_at'),
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>().notNull(),
    /** With updated_at, orders writes across runs (see cases.last_event_seq). */
    lastEventSeq: integer('last_event_seq').notNull(),
    /** The workflow run whose state this row reflects ('' if written before runs were recorded). */
    runId: text('run_id').notNull().default(''),
  },
  (t) => [
    index('complaints_stage_idx').on(t.stage),
    index('complaints_owner_idx').on(t.owner),
    index('complaints_case_idx').on(t.caseNo),
    index('complaints_phone_idx').on(t.customerPhoneKey),
    index('complaints_created_idx').on(t.createdAt, t.complaintNo),
  ],
);

export const complaintEvents = pgTable(
  'complaint_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    complaintNo: text('complaint_no').notNull(),
    workflowId: text('workflow_id').notNull(),
    /** The run that made the event ('' before runs were recorded): seq is per run. */
    runId: text('run_id').notNull().default(''),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    fromStage: text('from_stage'),
    toStage: text('to_stage').notNull(),
    actorRole: text('actor_role').notNull(),
    actorSubject: text('actor_subject'),
    /** The person behind the actor's key, named as they were at the time. */
    actorPersonId: text('actor_person_id'),
    actorPersonName: text('actor_person_name'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    occurredAt: ts('occurred_at').notNull(),
    recordedAt: ts('recorded_at').notNull().defaultNow(),
  },
  // A reset's new run repeats the old run's seq numbers: the run is part of the key.
  (t) => [
    uniqueIndex('complaint_events_run_seq_uq').on(t.workflowId, t.runId, t.seq),
    index('complaint_events_complaint_idx').on(t.complaintNo, t.seq),
    // The KPI rollup's incremental refresh (see case_events_recorded_idx).
    index('complaint_events_recorded_idx').on(t.recordedAt),
  ],
);

/** One row per Idempotency-Key of POST /complaints; reserves the complaint number. */
export const complaintRequests = pgTable('complaint_requests', {
  idempotencyKey: text('idempotency_key').primaryKey(),
  requestHash: text('request_hash').notNull(),
  complaintNo: text('complaint_no').notNull().unique(),
  actorRole: text('actor_role').notNull(),
  actorSubject: text('actor_subject'),
  createdAt: ts('created_at').notNull().defaultNow(),
  /** Which request is starting the workflow (the one that answers 201); cleared if that start failed. */
  startClaimedAt: ts('start_claimed_at'),
});
