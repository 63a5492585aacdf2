// The organisation: people (the staff directory), their weekly duty shifts and the
// fallbacks that stand in when no shift covers a role in a region. Escalations are
// routed from these at the moment they fire (activities/routing.ts).
import { boolean, index, integer, pgTable, primaryKey, serial, text } from 'drizzle-orm/pg-core';
import { ts } from './columns';

export const people = pgTable(
  'people',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** PERSON_ROLES (domain/duty.ts). */
    roles: text('roles').array().notNull(),
    /** Service regions or teams. */
    regions: text('regions').array().notNull(),
    phone: text('phone'),
    email: text('email'),
    preferredChannel: text('preferred_channel').$type<'sms' | 'email'>().notNull(),
    language: text('language').$type<'zh-CN' | 'en'>().notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('people_roles_idx').using('gin', t.roles), index('people_regions_idx').using('gin', t.regions)],
);

/** Weekly shifts in the service time zone; `end` at or before `start` runs overnight. */
export const dutyShifts = pgTable(
  'duty_shifts',
  {
    id: serial('id').primaryKey(),
    personId: text('person_id')
      .notNull()
      .references(() => people.id),
    role: text('role').notNull(),
    region: text('region').notNull(),
    /** ISO weekdays the shift starts on. */
    days: integer('days').array().notNull(),
    start: text('start_time').notNull(),
    end: text('end_time').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('duty_shifts_role_region_idx').on(t.role, t.region), index('duty_shifts_person_idx').on(t.personId)],
);

/** Per region and role, who stands in when no shift covers it; region '*' is the global fallback. */
export const dutyFallbacks = pgTable(
  'duty_fallbacks',
  {
    region: text('region').notNull(),
    role: text('role').notNull(),
    personId: text('person_id')
      .notNull()
      .references(() => people.id),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.region, t.role] })],
);
