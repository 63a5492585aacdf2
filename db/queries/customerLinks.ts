// The customer_links table: every issued link is a row; the token names it. Issuing a link
// revokes the older live links of the same subject and purpose ('superseded'); staff can
// revoke all of a subject's links ('revoked'). Both are serialised per subject by an
// advisory lock, so of two links issued at once exactly the later one stays live.
import { randomBytes } from 'node:crypto';
import { and, eq, isNull, lte, ne, sql } from 'drizzle-orm';
import type { Actor } from '../../domain';
import { linkKindOf, signCustomerToken, type CustomerLinkConfig, type LinkSubject } from '../../shared/customerLinks';
import { OFFER_LINK_PURPOSE } from '../../shared/engineerOfferLinks';
import type { Database, Transaction } from '../client';
import { customerLinks } from '../schema';
import { recordAudit } from './audit';

export type CustomerLinkRow = typeof customerLinks.$inferSelect;
type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** What a link opens: one purpose per subject kind today (see securitySchema). */
export function linkPurpose(subjectNo: string): LinkSubject {
  const kind = linkKindOf(subjectNo);
  if (!kind) throw new Error(`not a case or complaint number: ${subjectNo}`);
  return kind;
}

async function lockSubject(tx: Tx, subjectNo: string, purpose: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`customer_link|${subjectNo}|${purpose}`}))`);
}

/**
 * Issues link `linkId` (default: a random id) for the subject and revokes the older live
 * ones of the same purpose unless `keepOthers`. Under a link id that exists already (a
 * retried activity) it returns that link as first issued and changes nothing else.
 * `expiresAt` replaces the configured lifetime for a link whose use ends at a known time
 * (a maintenance reminder's: when its booking window closes).
 */
export async function issueCustomerLink(
  // A move's transaction too (a savepoint in it): the link is signed with the move that sends it.
  db: Database | Transaction,
  cfg: CustomerLinkConfig,
  args: { subjectNo: string; issuedBy: Actor; linkId?: string; keepOthers?: boolean; expiresAt?: Date },
): Promise<{ token: string; url: string; expiresAt: Date; linkId: string }> {
  const purpose = linkPurpose(args.subjectNo);
  const id = args.linkId ?? randomBytes(16).toString('base64url');
  const row = await db.transaction(async (tx) => {
    await lockSubject(tx, args.subjectNo, purpose);
    // clock_timestamp, not now(): the order of issue is the order of the lock.
    const inserted = await tx
      .insert(customerLinks)
      .values({
        id,
        subjectNo: args.subjectNo,
        purpose,
        issuedAt: sql`clock_timestamp()`,
        expiresAt: args.expiresAt ?? sql`clock_timestamp() + make_interval(hours => ${cfg.ttlHours})`,
        issuedByRole: args.issuedBy.role,
        issuedBySubject: args.issuedBy.subject ?? null,
      })
      .onConflictDoNothing()
      .returning();
    const [link] = inserted.length ? inserted : await tx.select().from(customerLinks).where(eq(customerLinks.id, id));
    if (!link || link.subjectNo !== args.subjectNo) throw new Error(`customer link id ${id} names another subject`);
    if (inserted.length && !args.keepOthers) {
      await tx
        .update(customerLinks)
        .set({
          revokedAt: sql`clock_timestamp()`,
          revokedReason: 'superseded',
          revokedByRole: args.issuedBy.role,
          revokedBySubject: args.issuedBy.subject ?? null,
        })
        .where(
          and(
            eq(customerLinks.subjectNo, args.subjectNo),
            eq(customerLinks.purpose, purpose),
            isNull(customerLinks.revokedAt),
            ne(customerLinks.id, id),
            lte(customerLinks.issuedAt, link.issuedAt),
          ),
        );
    }
    return link;
  });
  return { ...signCustomerToken(cfg, { subjectNo: row.subjectNo, linkId: row.id, expiresAt: row.expiresAt }), expiresAt: row.expiresAt, linkId: row.id };
}

export async function findCustomerLink(db: Database, id: string): Promise<CustomerLinkRow | undefined> {
  const [row] = await db.select().from(customerLinks).where(eq(customerLinks.id, id));
  return row;
}

/** Links signed before link ids carry none: they are honoured only while their subject has no customer link row (engineer offer links do not count). */
export async function subjectHasLinks(db: Database, subjectNo: string): Promise<boolean> {
  const [row] = await db
    .select({ id: customerLinks.id })
    .from(customerLinks)
    .where(and(eq(customerLinks.subjectNo, subjectNo), ne(customerLinks.purpose, OFFER_LINK_PURPOSE)))
    .limit(1);
  return row !== undefined;
}

/**
 * Revokes every live link of the subject, audited. A subject without any row gets a
 * revoked marker row, which also ends links signed before link ids (subjectHasLinks).
 */
export async function revokeSubjectLinks(db: Database, subjectNo: string, actor: Actor, reason?: string): Promise<{ revoked: number }> {
  const purpose = linkPurpose(subjectNo);
  return db.transaction(async (tx) => {
    await lockSubject(tx, subjectNo, purpose);
    const by = { revokedByRole: actor.role, revokedBySubject: actor.subject ?? null };
    const revoked = await tx
      .update(customerLinks)
      .set({ revokedAt: sql`clock_timestamp()`, revokedReason: 'revoked', ...by })
      .where(and(eq(customerLinks.subjectNo, subjectNo), isNull(customerLinks.revokedAt)))
      .returning({ id: customerLinks.id });
    const [any] = await tx
      .select({ id: customerLinks.id })
      .from(customerLinks)
      .where(and(eq(customerLinks.subjectNo, subjectNo), ne(customerLinks.purpose, OFFER_LINK_PURPOSE)))
      .limit(1);
    if (!any) {
      await tx.insert(customerLinks).values({
        id: randomBytes(16).toString('base64url'),
        subjectNo,
        purpose,
        expiresAt: sql`clock_timestamp()`,
        issuedByRole: actor.role,
        issuedBySubject: actor.subject ?? null,
        revokedAt: sql`clock_timestamp()`,
        revokedReason: 'revoked',
        ...by,
      });
    }
    await recordAudit(tx, {
      actor,
      action: 'customer_link.revoked',
      targetKind: purpose,
      targetId: subjectNo,
      data: { revoked: revoked.length, linkIds: revoked.map((r) => r.id), ...(reason ? { reason } : {}) },
    });
    return { revoked: revoked.length };
  });
}
