// The API's side of customer links (signing: shared/customerLinks.ts; rows:
// db/queries/customerLinks.ts): a link that does not check out is a 401, a revoked one a
// 410; a link to a closed case or complaint only reads.
import type { Request } from 'express';
import type { Database } from '../db/client';
import { findCustomerLink, subjectHasLinks } from '../db/queries/customerLinks';
import { verifyCustomerToken, type LinkCheck, type LinkSubject } from '../shared/customerLinks';
import { HttpError } from './errors';

const invalid = () => new HttpError(401, 'invalid_link', 'this link is not valid');

/** Signature and expiry alone (no database), or 401: the app checks this before it parses a body. */
export function signedLinkOrThrow(req: Request, secret: string, token: string): Extract<LinkCheck, { ok: true }> {
  const check = verifyCustomerToken(secret, token);
  if (!check.ok) {
    req.log?.warn({ reason: check.reason }, 'customer link refused');
    throw check.reason === 'expired' ? new HttpError(401, 'link_expired', 'this link has expired; ask us for a new one') : invalid();
  }
  return check;
}

/** The link's subject, or 401/410 (logged with the reason; the customer hears what to do next). */
export async function linkSubjectOrThrow(req: Request, db: Database, secret: string, token: string, kind: LinkSubject): Promise<string> {
  const check = signedLinkOrThrow(req, secret, token);
  if (check.kind !== kind) throw invalid();
  if (check.linkId) {
    const row = await findCustomerLink(db, check.linkId);
    if (!row || row.subjectNo !== check.subjectNo) throw invalid();
    if (row.revokedAt) {
      req.log?.warn({ reason: row.revokedReason }, 'customer link refused');
      throw row.revokedReason === 'superseded'
        ? new HttpError(410, 'link_revoked', 'this link was replaced by a newer one; please use the latest link we sent you')
        : new HttpError(410, 'link_revoked', 'this link was withdrawn; ask us for a new one');
    }
  } else if (await subjectHasLinks(db, check.subjectNo)) {
    // Signed before link ids: valid only until the subject's first new link or revocation.
    throw new HttpError(410, 'link_revoked', 'this link was replaced by a newer one; please use the latest link we sent you');
  }
  return check.subjectNo;
}

/** A closed case or complaint: its link still shows it, but every change is refused. */
export function assertLinkWritable(subjectNo: string, stage: string, closed: readonly string[]): void {
  if (closed.includes(stage)) {
    throw new HttpError(409, 'link_read_only', `${subjectNo} is ${stage}: this link now only shows it`, { currentStage: stage });
  }
}
