// The language of an error page for a link that no longer works. A revoked or expired
// link still carries a genuine signature, so its subject may be looked up for the
// customer's own language; a forged one is never looked up (the browser's language then).
import type { Database } from '../../../db/client';
import { findCase } from '../../../db/queries/cases';
import { findComplaint } from '../../../db/queries/complaints';
import { linkKindOf, verifyCustomerToken } from '../../../shared/customerLinks';
import { isLang, type Lang } from './i18n';

export async function linkLanguage(db: Database, secret: string, token: string): Promise<Lang | undefined> {
  const check = verifyCustomerToken(secret, token);
  let subjectNo: string | undefined;
  if (check.ok) subjectNo = check.subjectNo;
  // 'expired' is judged after the signature: the payload is ours.
  else if (check.reason === 'expired') subjectNo = Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8').split('|')[0];
  if (!subjectNo) return undefined;
  const lang =
    linkKindOf(subjectNo) === 'complaint'
      ? ((await findComplaint(db, subjectNo))?.snapshot as { customer?: { language?: string } } | undefined)?.customer?.language
      : (await findCase(db, subjectNo))?.customerLanguage;
  return isLang(lang) ? lang : undefined;
}
