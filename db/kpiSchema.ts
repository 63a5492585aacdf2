// KPI rollups and staff sessions.
//
// kpi_daily holds, per service day and per one grouping dimension, the sums and counts
// every KPI is a ratio of (db/queries/kpiDefinitions.ts). One row per (dimension, day,
// key): a case adds to six rows (all, region, engineer, category, priority, channel), so
// a year is ~365 × (1 + regions + engineers + categories + priorities + channels) rows
// instead of a million cases. Refreshed incrementally (db/queries/kpiRollup.ts).
import { doublePrecision, index, integer, pgTable, primaryKey, text, date } from 'drizzle-orm/pg-core';
import { ts } from './columns';

const n = (name: string) => integer(name).notNull().default(0);
const ms = (name: string) => doublePrecision(name).notNull().default(0);

export const kpiDaily = pgTable(
  'kpi_daily',
  {
    /** 'all' | 'region' | 'engineer' | 'category' | 'priority' | 'channel'. */
    dim: text('dim').notNull(),
    /** Case and callback measures: the case's intake day; complaint measures: the complaint's day (KPI_TIME_ZONE). */
    day: date('day', { mode: 'string' }).notNull(),
    /** The dimension's value ('' when unknown, e.g. no region or no engineer; always '' for 'all'). */
    key: text('key').notNull(),
    cases: n('cases'),
    archived: n('archived'),
    cancelled: n('cancelled'),
    acceptN: n('accept_n'),
    acceptMs: ms('accept_ms'),
    contactN: n('contact_n'),
    contactMs: ms('contact_ms'),
    onSiteN: n('on_site_n'),
    onSiteMs: ms('on_site_ms'),
    resolutionMs: ms('resolution_ms'),
    firstTimeFix: n('first_time_fix'),
    reworked: n('reworked'),
    rated: n('rated'),
    ratingSum: n('rating_sum'),
    rating1: n('rating_1'),
    rating2: n('rating_2'),
    rating3: n('rating_3'),
    rating4: n('rating_4'),
    rating5: n('rating_5'),
    complaints: n('complaints'),
    ackDue: n('ack_due'),
    ackOnTime: n('ack_on_time'),
    resolveDue: n('resolve_due'),
    resolveOnTime: n('resolve_on_time'),
    slaFirstResponseN: n('sla_first_response_n'),
    slaFirstResponseMet: n('sla_first_response_met'),
    slaDispatchN: n('sla_dispatch_n'),
    slaDispatchMet: n('sla_dispatch_met'),
    slaEngineerAcceptanceN: n('sla_engineer_acceptance_n'),
    slaEngineerAcceptanceMet: n('sla_engineer_acceptance_met'),
    slaCustomerContactN: n('sla_customer_contact_n'),
    slaCustomerContactMet: n('sla_customer_contact_met'),
    slaOnSiteArrivalN: n('sla_on_site_arrival_n'),
    slaOnSiteArrivalMet: n('sla_on_site_arrival_met'),
    slaResolutionN: n('sla_resolution_n'),
    slaResolutionMet: n('sla_resolution_met'),
    // Satisfaction callbacks of the case (callback workflow rows; see kpiRollup.ts).
    callbacks: n('callbacks'),
    callbacksReached: n('callbacks_reached'),
    callbacksSatisfied: n('callbacks_satisfied'),
    callbacksUnreachable: n('callbacks_unreachable'),
  },
  (t) => [primaryKey({ columns: [t.dim, t.day, t.key] })],
);

/** One row: when the rollup was last refreshed and from which event time it looks again. */
export const kpiRefreshState = pgTable('kpi_refresh_state', {
  id: integer('id').primaryKey(),
  refreshedAt: ts('refreshed_at').notNull(),
  /** Events recorded at or after this (less a margin for slow transactions) mark their day stale. */
  watermark: ts('watermark').notNull(),
});

/**
 * Staff dashboard sessions: server-side rows, so logout and key revocation end them at
 * once. Only the SHA-256 of the cookie's random token is stored.
 */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    role: text('role').notNull(),
    subject: text('subject'),
    /** The stored key signed in with (null for API_KEYS keys): its revocation ends the session. */
    apiKeyId: integer('api_key_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('staff_sessions_expires_idx').on(t.expiresAt)],
);
