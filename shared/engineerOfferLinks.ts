// Signed one-tap links for an engineer's offer: accept or decline without an API key.
// The same scheme as customer links (shared/customerLinks.ts: HMAC-SHA256 under
// CUSTOMER_LINK_SECRET, a customer_links row named by the link id), with a payload that
// names the engineer and the offer round too:
//   base64url(offer|caseNo|engineerId|round|expiry|linkId).HMAC
// A customer link's verifier reads 'offer' as its subject and refuses it (not a case
// number), and this verifier refuses a customer token (no 'offer' tag): neither opens the other.
import { timingSafeEqual } from 'node:crypto';
import { CASE_NO_PATTERN } from '../domain';
import { LINK_ID_PATTERN, sign, type CustomerLinkConfig } from './customerLinks';

export const OFFER_LINK_PURPOSE = 'engineer_offer';
const TAG = 'offer';
const ENGINEER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface OfferLink {
  caseNo: string;
  engineerId: string;
  round: number;
  expiresAt: Date;
  linkId: string;
}

export type OfferLinkCheck = ({ ok: true } & OfferLink) | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function signOfferToken(cfg: Pick<CustomerLinkConfig, 'secret' | 'baseUrl'>, link: OfferLink): { token: string; url: string } {
  if (!CASE_NO_PATTERN.test(link.caseNo)) throw new Error(`not a case number: ${link.caseNo}`);
  if (!ENGINEER_ID.test(link.engineerId)) throw new Error(`not an engineer id: ${link.engineerId}`);
  if (!LINK_ID_PATTERN.test(link.linkId)) throw new Error('a link id is 16-64 base64url characters');
  const exp = Math.floor(link.expiresAt.getTime() / 1000);
  const payload = Buffer.from([TAG, link.caseNo, link.engineerId, link.round, exp, link.linkId].join('|')).toString('base64url');
  const token = `${payload}.${sign(cfg.secret, payload)}`;
  return { token, url: `${cfg.baseUrl.replace(/\/$/, '')}/engineer/offers/${token}` };
}

export function verifyOfferToken(secret: string, token: string, now = new Date()): OfferLinkCheck {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
  const [tag, caseNo, engineerId, round, exp, linkId, more] = Buffer.from(payload, 'base64url').toString('utf8').split('|');
  const expiresAt = new Date(Number(exp) * 1000);
  if (
    tag !== TAG ||
    !caseNo ||
    !CASE_NO_PATTERN.test(caseNo) ||
    !engineerId ||
    !ENGINEER_ID.test(engineerId) ||
    !/^\d{1,6}$/.test(round ?? '') ||
    Number.isNaN(expiresAt.getTime()) ||
    !linkId ||
    !LINK_ID_PATTERN.test(linkId) ||
    more !== undefined
  ) {
    return { ok: false, reason: 'malformed' };
  }
  if (expiresAt <= now) return { ok: false, reason: 'expired' };
  return { ok: true, caseNo, engineerId, round: Number(round), expiresAt, linkId };
}
