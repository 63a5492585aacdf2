// The engineer roster, its live load and visit bookings, and per-case service metrics.
// The no-double-booking rule is a PostgreSQL exclusion constraint on engineer_bookings
// (migration 0003_engineer_bookings_exclusion.sql), not application code.
import { sql } from 'drizzle-orm';
import { boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { ts } from './columns';
import { people } from './peopleSchema';
import type { CaseMetrics, SkillLevel, WorkingHours } from '../domain';

export const engineers = pgTable(
  'engineers',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    badgeNo: text('badge_no').notNull(),
    phone: text('phone'),
    skills: jsonb('skills').$type<SkillLevel[]>().notNull(),
    homeLat: doublePrecision('home_lat'),
    homeLng: doublePrecision('home_lng'),
    regions: text('regions').array().notNull(),
    workingHours: jsonb('working_hours').$type<WorkingHours>().notNull(),
    maxOpenCases: integer('max_open_cases').notNull(),
    active: boolean('active').notNull().default(true),
    rating: doublePrecision('rating').notNull(),
    /** The engineer's person in the staff directory (people.id), if linked. */
    personId: text('person_id').references(() => people.id, { onDelete: 'restrict' }),
    ratingCount: integer('rating_count').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('engineers_regions_idx').using('gin', t.regions)],
);

/**
 * One row per case an engineer holds or has on offer; counts against max_open_cases.
 * Claims lock the engineer row, so two cases never take the last slot at once.
 */
export const engineerLoad = pgTable(
  'engineer_load',
  {
    engineerId: text('engineer_id').notNull(),
    caseNo: text('case_no').notNull(),
    kind: text('kind').$type<'offered' | 'assigned'>().notNull(),
    since: ts('since').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.engineerId, t.caseNo] }), index('engineer_load_case_idx').on(t.caseNo)],
);

export const engineerBookings = pgTable(
  'engineer_bookings',
  {
    /** Deterministic per case, workflow run and booking attempt, so a retried activity inserts nothing new. */
    id: text('id').primaryKey(),
    engineerId: text('engineer_id').notNull(),
    caseNo: text('case_no').notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    status: text('status').$type<'active' | 'cancelled' | 'done'>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('engineer_bookings_case_idx').on(t.caseNo),
    index('engineer_bookings_engineer_idx')
      .on(t.engineerId, t.startsAt)
      .where(sql`status = 'active'`),
  ],
);

export const caseMetrics = pgTable('case_metrics', {
  caseNo: text('case_no').primaryKey(),
  engineerId: text('engineer_id'),
  metrics: jsonb('metrics').$type<CaseMetrics>().notNull(),
  firstTimeFix: boolean('first_time_fix').notNull(),
  visits: integer('visits').notNull(),
  reworks: integer('reworks').notNull(),
  rating: integer('rating'),
  archivedAt: ts('archived_at').notNull(),
});
