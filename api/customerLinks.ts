// Signed, expiring customer links: the customer follows the case, approves a quote and
// confirms the visit without an API key. Token = base64url(caseNo|expiry).HMAC-SHA256.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CASE_NO_PATTERN } from '../domain';

export interface CustomerLinkConfig {
  secret: string;
  /** Public base URL the link points at, e.g. https://service.example.com */
  baseUrl: string;
  ttlHours: number;
}

export type LinkCheck = { ok: true; caseNo: string; expiresAt: Date } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function issueCustomerToken(cfg: CustomerLinkConfig, caseNo: string, now = new Date()): { token: string; url: string; expiresAt: Date } {
  const expiresAt = new Date(now.getTime() + cfg.ttlHours * 3600_000);
  const payload = Buffer.from(`${caseNo}|${Math.floor(expiresAt.getTime() / 1000)}`).toString('base64url');
  const token = `${payload}.${sign(cfg.secret, payload)}`;
  return { token, url: `${cfg.baseUrl.replace(/\/$/, '')}/customer/cases/${token}`, expiresAt };
}

export function verifyCustomerToken(secret: string, token: string, now = new Date()): LinkCheck {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
  const [caseNo, exp] = Buffer.from(payload, 'base64url').toString('utf8').split('|');
  const expiresAt = new Date(Number(exp) * 1000);
  if (!caseNo || !CASE_NO_PATTERN.test(caseNo) || Number.isNaN(expiresAt.getTime())) return { ok: false, reason: 'malformed' };
  if (expiresAt <= now) return { ok: false, reason: 'expired' };
  return { ok: true, caseNo, expiresAt };
}
