// The API's side of engineer offer links (signing: shared/engineerOfferLinks.ts; rows:
// db/queries/engineerOfferLinks.ts). The signature is checked before anything else, body
// parsing included (`offerLinkSignatureFirst`, mounted in api/app.ts); then the row, then
// whether this engineer's offer of this round is still open on the case.
import type { Request, RequestHandler } from 'express';
import type { CaseState } from '../domain';
import type { Database } from '../db/client';
import { findCase, type CaseRow } from '../db/queries/cases';
import { findCustomerLink } from '../db/queries/customerLinks';
import { OFFER_LINK_PURPOSE, verifyOfferToken, type OfferLink } from '../shared/engineerOfferLinks';
import { HttpError } from './errors';

const invalid = () => new HttpError(401, 'invalid_link', 'this link is not valid');

function checkSignature(req: Request, secret: string, token: string): OfferLink {
  const check = verifyOfferToken(secret, token);
  if (!check.ok) {
    req.log?.warn({ reason: check.reason }, 'offer link refused');
    if (check.reason === 'expired') throw new HttpError(410, 'offer_lapsed', "this offer's window has ended; the case has moved on");
    throw invalid();
  }
  return check;
}

/** Refuses a link whose signature does not check out before its body is read. */
export function offerLinkSignatureFirst(secret: string): RequestHandler {
  return (req, _res, next) => {
    const token = decodeURIComponent(req.path.split('/')[1] ?? '');
    try {
      checkSignature(req, secret, token);
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** The link's offer and case, or 401 (forged, unknown), 410 (lapsed, revoked) or 409 (no longer this engineer's open offer). */
export async function openOfferOrThrow(
  req: Request,
  db: Database,
  secret: string,
  token: string,
  opts: { allowClosed?: boolean } = {},
): Promise<{ link: OfferLink; row: CaseRow; open: boolean }> {
  const link = checkSignature(req, secret, token);
  const stored = await findCustomerLink(db, link.linkId);
  if (!stored || stored.subjectNo !== link.caseNo || stored.purpose !== OFFER_LINK_PURPOSE) throw invalid();
  if (stored.revokedAt) throw new HttpError(410, 'link_revoked', 'this link was withdrawn; ask the dispatcher');
  const row = await findCase(db, link.caseNo);
  if (!row) throw invalid();
  const snap = (row.snapshot ?? {}) as Partial<CaseState>;
  const open = row.stage === 'offered' && snap.offer?.engineerId === link.engineerId && snap.offer.round === link.round;
  if (!open && !opts.allowClosed) throw closedOffer(link, row);
  return { link, row, open };
}

/** Why the offer is no longer this engineer's to answer. */
export function closedOffer(link: OfferLink, row: CaseRow): HttpError {
  const snap = (row.snapshot ?? {}) as Partial<CaseState>;
  const details = { currentStage: row.stage };
  if (row.engineerId === link.engineerId && row.stage !== 'offered') {
    return new HttpError(409, 'offer_closed', `you have accepted case ${row.caseNo} already; open it in the app`, details);
  }
  if (row.engineerId || snap.offer) {
    return new HttpError(409, 'offer_closed', `case ${row.caseNo} has gone to another engineer`, details);
  }
  return new HttpError(409, 'offer_closed', `this offer of case ${row.caseNo} is no longer open (declined, lapsed or withdrawn)`, details);
}
