// Signed, expiring customer links: the customer follows a case (approves a quote,
// confirms the visit) or answers a complaint's proposed resolution without an API key.
// Token = base64url(subjectNo|expiry).HMAC-SHA256, where the subject is a case or a
// complaint number. Issued by the API (agent asks) and by an activity (links in SMS),
// verified by the API: shared by both, so it lives below them (HMAC needs node:crypto,
// which keeps it out of domain/, whose modules the workflow sandbox loads).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CASE_NO_PATTERN } from '../domain';
import { COMPLAINT_NO_PATTERN } from '../domain/complaints';

export interface CustomerLinkConfig {
  secret: string;
  /** Public base URL the link points at, e.g. https://service.example.com */
  baseUrl: string;
  ttlHours: number;
}

export type LinkSubject = 'case' | 'complaint';

export type LinkCheck = { ok: true; kind: LinkSubject; subjectNo: string; expiresAt: Date } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

function kindOf(subjectNo: string): LinkSubject | undefined {
  if (CASE_NO_PATTERN.test(subjectNo)) return 'case';
  if (COMPLAINT_NO_PATTERN.test(subjectNo)) return 'complaint';
  return undefined;
}

export function issueCustomerToken(cfg: CustomerLinkConfig, subjectNo: string, now = new Date()): { token: string; url: string; expiresAt: Date } {
  const kind = kindOf(subjectNo);
  if (!kind) throw new Error(`not a case or complaint number: ${subjectNo}`);
  const expiresAt = new Date(now.getTime() + cfg.ttlHours * 3600_000);
  const payload = Buffer.from(`${subjectNo}|${Math.floor(expiresAt.getTime() / 1000)}`).toString('base64url');
  const token = `${payload}.${sign(cfg.secret, payload)}`;
  return { token, url: `${cfg.baseUrl.replace(/\/$/, '')}/customer/${kind === 'case' ? 'cases' : 'complaints'}/${token}`, expiresAt };
}

export function verifyCustomerToken(secret: string, token: string, now = new Date()): LinkCheck {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
  const [subjectNo, exp] = Buffer.from(payload, 'base64url').toString('utf8').split('|');
  const expiresAt = new Date(Number(exp) * 1000);
  const kind = subjectNo ? kindOf(subjectNo) : undefined;
  if (!subjectNo || !kind || Number.isNaN(expiresAt.getTime())) return { ok: false, reason: 'malformed' };
  if (expiresAt <= now) return { ok: false, reason: 'expired' };
  return { ok: true, kind, subjectNo, expiresAt };
}
