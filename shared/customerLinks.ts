// Signed, expiring customer links: the customer follows a case (approves a quote,
// confirms the visit) or answers a complaint's proposed resolution without an API key.
// Token = base64url(subjectNo|expiry|linkId).HMAC-SHA256, where the subject is a case or a
// complaint number and linkId names the link's customer_links row (checked on every use,
// so a link can be revoked: db/queries/customerLinks.ts). Tokens signed before link ids
// carry none (subjectNo|expiry). Signed by the API and by an activity, verified by the
// API: shared by both, so it lives below them (HMAC needs node:crypto, which keeps it out
// of domain/, whose modules the workflow sandbox loads).
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

/** Link ids: what the API draws at random and the worker derives (base64url, no '|' or '.'). */
export const LINK_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export type LinkCheck =
  { ok: true; kind: LinkSubject; subjectNo: string; expiresAt: Date; linkId?: string } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

/** The one HMAC of every link (customer links here, engineer offer links in shared/engineerOfferLinks.ts). */
export function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function linkKindOf(subjectNo: string): LinkSubject | undefined {
  if (CASE_NO_PATTERN.test(subjectNo)) return 'case';
  if (COMPLAINT_NO_PATTERN.test(subjectNo)) return 'complaint';
  return undefined;
}

/** The token and URL of link `linkId` (the same every time for the same row). */
export function signCustomerToken(cfg: CustomerLinkConfig, link: { subjectNo: string; linkId: string; expiresAt: Date }): { token: string; url: string } {
  const kind = linkKindOf(link.subjectNo);
  if (!kind) throw new Error(`not a case or complaint number: ${link.subjectNo}`);
  if (!LINK_ID_PATTERN.test(link.linkId)) throw new Error('a link id is 16-64 base64url characters');
  const payload = Buffer.from(`${link.subjectNo}|${Math.floor(link.expiresAt.getTime() / 1000)}|${link.linkId}`).toString('base64url');
  const token = `${payload}.${sign(cfg.secret, payload)}`;
  return { token, url: `${cfg.baseUrl.replace(/\/$/, '')}/customer/${kind === 'case' ? 'cases' : 'complaints'}/${token}` };
}

export function verifyCustomerToken(secret: string, token: string, now = new Date()): LinkCheck {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
  const [subjectNo, exp, linkId, more] = Buffer.from(payload, 'base64url').toString('utf8').split('|');
  const expiresAt = new Date(Number(exp) * 1000);
  const kind = subjectNo ? linkKindOf(subjectNo) : undefined;
  if (!subjectNo || !kind || Number.isNaN(expiresAt.getTime()) || more !== undefined) return { ok: false, reason: 'malformed' };
  if (linkId !== undefined && !LINK_ID_PATTERN.test(linkId)) return { ok: false, reason: 'malformed' };
  if (expiresAt <= now) return { ok: false, reason: 'expired' };
  return { ok: true, kind, subjectNo, expiresAt, linkId };
}
