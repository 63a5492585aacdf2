// PostgreSQL schema. `cases` is a projection of each case workflow's state, written only
// by activities; `case_events` is the append-only timeline (a trigger forbids UPDATE and
// DELETE, see migrations/0001_append_only_events.sql).
import { sql } from 'drizzle-orm';
import { bigserial, boolean, doublePrecision, index, integer, jsonb, pgSequence, pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './columns';
import { people } from './peopleSchema';

export const caseNoSequence = pgSequence('case_no_seq', { startWith: 1 });

export const cases = pgTable(
  'cases',
  {
    caseNo: text('case_no').primaryKey(),
    workflowId: text('workflow_id').notNull().unique(),
    stage: text('stage').notNull(),
    priority: text('priority').notNull(),
    channel: text('channel').notNull(),
    customerName: text('customer_name').notNull(),
    customerPhone: text('customer_phone').notNull(),
    customerPhoneKey: text('customer_phone_key').notNull(),
    customerAddress: text('customer_address').notNull(),
    customerLat: doublePrecision('customer_lat'),
    customerLng: doublePrecision('customer_lng'),
    customerTier: text('customer_tier').notNull(),
    customerLanguage: text('customer_language').notNull(),
    region: text('region'),
    productCategory: text('product_category').notNull(),
    productModel: text('product_model').notNull(),
    productSerial: text('product_serial').notNull(),
    faultDescription: text('fault_description').notNull(),
    attachments: jsonb('attachments').$type<string[]>().notNull(),
    preferredWindows: jsonb('preferred_windows').$type<{ start: string; end: string }[]>().notNull(),
    engineerId: text('engineer_id'),
    engineerName: text('engineer_name'),
    appointmentStart: ts('appointment_start'),
    appointmentEnd: ts('appointment_end'),
    visits: integer('visits').notNull().default(0),
    checkOutResult: text('check_out_result'),
    resolution: text('resolution'),
    rating: integer('rating'),
    ratingComment: text('rating_comment'),
    cancelReason: text('cancel_reason'),
    openedByRole: text('opened_by_role').notNull(),
    openedBySubject: text('opened_by_subject'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    closedAt: ts('closed_at'),
    offeredEngineerId: text('offered_engineer_id'),
    slaBreached: boolean('sla_breached').notNull().default(false),
    escalationLevel: integer('escalation_level').notNull().default(0),
    nextDeadline: ts('next_deadline'),
    /** The full workflow state at last_event_seq: quote, contact, parts, metrics. */
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>(),
    /**
     * The timeline seq this row reflects. With updated_at (the event's workflow time) it
     * orders writes: an older snapshot never overwrites a newer one, and after a reset
     * the new run's events (seq restarting lower) still move the row.
     */
    lastEventSeq: integer('last_event_seq').notNull(),
    /** The workflow run whose state this row reflects ('' if written before runs were recorded). */
    runId: text('run_id').notNull().default(''),
    /** repair, or maintenance (opened from a maintenance reminder). */
    kind: text('kind').notNull().default('repair'),
  },
  (t) => [
    index('cases_stage_idx').on(t.stage),
    index('cases_priority_idx').on(t.priority),
    index('cases_engineer_idx').on(t.engineerId),
    index('cases_offered_engineer_idx').on(t.offeredEngineerId),
    index('cases_breached_idx')
      .on(t.slaBreached)
      .where(sql`sla_breached`),
    index('cases_created_idx').on(t.createdAt, t.caseNo),
    index('cases_open_duplicate_idx')
      .on(t.customerPhoneKey, t.productSerial)
      .where(sql`stage NOT IN ('archived', 'cancelled')`),
  ],
);

export const caseEvents = pgTable(
  'case_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseNo: text('case_no').notNull(),
    workflowId: text('workflow_id').notNull(),
    /** The run that made the event ('' for events recorded before runs were): seq is per run. */
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
  (t) => [
    // Idempotency of the timeline: a retried activity hits this and writes nothing. The run
    // is part of the key: after a reset the new run's seq numbers repeat the old run's.
    uniqueIndex('case_events_run_seq_uq').on(t.workflowId, t.runId, t.seq),
    index('case_events_case_idx').on(t.caseNo, t.seq),
    // The KPI rollup's incremental refresh finds the cases that moved since its last run.
    index('case_events_recorded_idx').on(t.recordedAt),
  ],
);

/** One row per Idempotency-Key of POST /cases. */
/**
 * One row per Idempotency-Key of POST /cases, written before the workflow starts. It
 * also reserves the case number and lets the duplicate rule see a case whose workflow
 * has not written its row yet.
 */
export const intakeRequests = pgTable(
  'intake_requests',
  {
    idempotencyKey: text('idempotency_key').primaryKey(),
    requestHash: text('request_hash').notNull(),
    caseNo: text('case_no').notNull().unique(),
    customerPhoneKey: text('customer_phone_key').notNull(),
    productSerial: text('product_serial').notNull(),
    actorRole: text('actor_role').notNull(),
    actorSubject: text('actor_subject'),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** Which request is starting the workflow (the one that answers 201); cleared if that start failed. */
    startClaimedAt: ts('start_claimed_at'),
  },
  (t) => [index('intake_requests_customer_product_idx').on(t.customerPhoneKey, t.productSerial)],
);

export const apiKeys = pgTable('api_keys', {
  id: serial('id').primaryKey(),
  /** Keyed hash of the key (see hashScheme); the key itself is never stored. */
  keyHash: text('key_hash').notNull().unique(),
  /**
   * 'hmac-sha256' (HMAC with API_KEY_SECRET) or 'sha256' (rows written before the keyed
   * hash: re-hashed on their first successful use, see api/apiKeyLookup.ts).
   */
  hashScheme: text('hash_scheme').notNull().default('hmac-sha256'),
  role: text('role').notNull(),
  subject: text('subject'),
  /** The person the key belongs to (the timeline names them); null for role-only keys. People are deactivated, never deleted. */
  personId: text('person_id').references(() => people.id, { onDelete: 'restrict' }),
  label: text('label').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  revoked: boolean('revoked').notNull().default(false),
  revokedAt: ts('revoked_at'),
  /** Null: never expires. A rotated key gets now + its grace period. */
  expiresAt: ts('expires_at'),
  /** Written at most once a minute per key, so reads do not write every time. */
  lastUsedAt: ts('last_used_at'),
  /** The key that replaced this one by rotation. */
  replacedBy: integer('replaced_by'),
});

export * from './dispatchSchema';
export * from './slaSchema';
export * from './aftercareSchema';
export * from './notificationsSchema';
export * from './complaintsSchema';
export * from './requestsSchema';
export * from './securitySchema';
export * from './limitsSchema';
export * from './peopleSchema';
export * from './kpiSchema';
export * from './rescheduleSchema';
