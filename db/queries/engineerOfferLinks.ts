// Engineer offer links as customer_links rows (purpose 'engineer_offer'): one per offer
// sent, expiring with the offer. Unlike a customer link it replaces nothing: whether the
// offer is still open is the case's to say (api/engineerOfferLinks.ts), not the row's.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Actor } from '../../domain';
import type { CustomerLinkConfig } from '../../shared/customerLinks';
import { OFFER_LINK_PURPOSE, signOfferToken } from '../../shared/engineerOfferLinks';
import type { Database } from '../client';
import { customerLinks } from '../schema';
import { findCustomerLink } from './customerLinks';

/**
 * Issues the link of one offer (case, engineer, round), expiring at `expiresAt`. Under a
 * link id that exists already (a retried activity) it returns that link as first issued.
 */
export async function issueOfferLink(
  db: Database,
  cfg: CustomerLinkConfig,
  args: { caseNo: string; engineerId: string; round: number; expiresAt: Date; issuedBy: Actor; linkId?: string },
): Promise<{ token: string; url: string; expiresAt: Date; linkId: string }> {
  const id = args.linkId ?? randomBytes(16).toString('base64url');
  await db
    .insert(customerLinks)
    .values({
      id,
      subjectNo: args.caseNo,
      purpose: OFFER_LINK_PURPOSE,
      issuedAt: sql`clock_timestamp()`,
      expiresAt: args.expiresAt,
      issuedByRole: args.issuedBy.role,
      issuedBySubject: args.issuedBy.subject ?? null,
    })
    .onConflictDoNothing();
  const row = await findCustomerLink(db, id);
  if (!row || row.subjectNo !== args.caseNo || row.purpose !== OFFER_LINK_PURPOSE) throw new Error(`link id ${id} names another subject`);
  const link = { caseNo: args.caseNo, engineerId: args.engineerId, round: args.round, expiresAt: row.expiresAt, linkId: row.id };
  return { ...signOfferToken(cfg, link), expiresAt: row.expiresAt, linkId: row.id };
}
