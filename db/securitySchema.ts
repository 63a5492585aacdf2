// Customer links (one row per issued link: the id inside the signed token is checked on
// every use, so a link can be revoked) and the audit trail of security-relevant actions
// (API keys issued, rotated, revoked; customer links revoked). audit_events is append-only
// (a trigger rejects UPDATE and DELETE, migrations/0011_keys_and_links.sql).
import { bigserial, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { ts } from './columns';

export const customerLinks = pgTable(
  'customer_links',
  {
    /** The link id signed into the token (random for the API, derived from the activity for the worker). */
    id: text('id').primaryKey(),
    /** Case or complaint number. */
    subjectNo: text('subject_no').notNull(),
    /** What the link opens ('case': follow, approve, confirm; 'complaint': see and answer). */
    purpose: text('purpose').notNull(),
    issuedAt: ts('issued_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    issuedByRole: text('issued_by_role').notNull(),
    issuedBySubject: text('issued_by_subject'),
    revokedAt: ts('revoked_at'),
    /** 'superseded' (a newer link of the same subject and purpose) or 'revoked' (by staff). */
    revokedReason: text('revoked_reason'),
    revokedByRole: text('revoked_by_role'),
    revokedBySubject: text('revoked_by_subject'),
  },
  (t) => [index('customer_links_subject_idx').on(t.subjectNo, t.purpose, t.issuedAt)],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull().defaultNow(),
    actorRole: text('actor_role').notNull(),
    actorSubject: text('actor_subject'),
    /** The person the acting API key belongs to (people.id; no foreign key: the trail outlives any change). */
    actorPersonId: text('actor_person_id'),
    /** e.g. api_key.issued, api_key.rotated, api_key.revoked, customer_link.revoked */
    action: text('action').notNull(),
    /** 'api_key' (id) or 'case' / 'complaint' (number). */
    targetKind: text('target_kind').notNull(),
    targetId: text('target_id').notNull(),
    /** What changed; never a key or a token. */
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('audit_events_target_idx').on(t.targetKind, t.targetId, t.id)],
);
