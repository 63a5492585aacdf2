// The API's side of customer links (signing and verifying: shared/customerLinks.ts):
// a link that does not check out is a 401.
import type { Request } from 'express';
import { verifyCustomerToken, type LinkSubject } from '../shared/customerLinks';
import { HttpError } from './errors';

/** The link's subject, or 401 (logged with the reason; the customer only hears "not valid" or "expired"). */
export function linkSubjectOrThrow(req: Request, secret: string, token: string, kind: LinkSubject): string {
  const check = verifyCustomerToken(secret, token);
  if (!check.ok) {
    req.log?.warn({ reason: check.reason }, 'customer link refused');
    throw new HttpError(
      401,
      check.reason === 'expired' ? 'link_expired' : 'invalid_link',
      check.reason === 'expired' ? 'this link has expired; ask us for a new one' : 'this link is not valid',
    );
  }
  if (check.kind !== kind) throw new HttpError(401, 'invalid_link', 'this link is not valid');
  return check.subjectNo;
}
