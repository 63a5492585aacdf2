// CSRF for the customer's forms: a double-submit token bound to the link. The browser
// holds a random nonce in a SameSite=Strict, HttpOnly cookie; each form carries
// HMAC(key, link token | nonce) in a hidden field. Another site can neither read the
// field nor make the browser send the cookie with its POST, and a token lifted from one
// link's page is useless on another link. Stateless (no session table): the link is the
// only credential the customer has, and it already is in the URL.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

export const CSRF_COOKIE = 'cw_csrf';
export const CSRF_FIELD = 'csrf';
const NONCE = /^[A-Za-z0-9_-]{22,64}$/;

/** A key of its own for CSRF tokens, derived from the link secret (never the secret itself). */
export function csrfKey(linkSecret: string): Buffer {
  return createHmac('sha256', linkSecret).update('casework customer-page csrf v1').digest();
}

export function csrfToken(key: Buffer, linkToken: string, nonce: string): string {
  return createHmac('sha256', key).update(`${linkToken}|${nonce}`).digest('base64url');
}

/** The request's cookie nonce, if it sent a well-formed one. */
export function cookieNonce(req: Request): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === CSRF_COOKIE) {
      const v = value.join('=');
      return NONCE.test(v) ? v : undefined;
    }
  }
  return undefined;
}

/** The nonce for a page being rendered: the browser's, or a new one set as a cookie. */
export function ensureNonce(req: Request, res: Response): string {
  const existing = cookieNonce(req);
  if (existing) return existing;
  const nonce = randomBytes(18).toString('base64url');
  res.cookie(CSRF_COOKIE, nonce, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/customer' });
  return nonce;
}

/** True when the POST carries the token for this link and this browser's cookie. */
export function csrfValid(key: Buffer, req: Request, linkToken: string, submitted: unknown): boolean {
  const nonce = cookieNonce(req);
  if (!nonce || typeof submitted !== 'string') return false;
  const expected = Buffer.from(csrfToken(key, linkToken, nonce));
  const given = Buffer.from(submitted);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
