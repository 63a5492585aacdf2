// The one redaction layer for everything casework prints: log lines of the API, the
// worker and the launcher, the launcher's ready lines and /dev/outbox. It masks customer
// link tokens, phone numbers, e-mail addresses and the password of any URL, wherever
// they stand (a URL, a query string, an error message, a serialized error).
import { maskEmail } from '../domain/notifications';
import { maskPhone } from '../domain/privacy';

// `1[3-9]` + 9 digits, optionally after +86 / 86, in the spellings intake accepts
// (138 0013 8000, 138-0013-8000); not inside a longer run of letters or digits.
const CHINESE_MOBILE = /(?<![A-Za-z0-9_])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![A-Za-z0-9_])/g;
// Any other number in international form: + then 8-15 digits with spaces or dashes.
const INTERNATIONAL = /(?<![A-Za-z0-9_])\+\d(?:[ -]?\d){7,14}(?![A-Za-z0-9_])/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// scheme://user:password@ (database URLs, SMTP URLs, Basic credentials of a gateway).
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'<>]*:)[^\s@/"'<>]+@/gi;
// The token of a link: /customer/cases/<token>, /customer/complaints/<token>, /engineer/offers/<token>.
const LINK_PATH = /(\/(?:customer\/(?:cases|complaints)|engineer\/offers)\/)([^/?#\s"'<>]+)/g;
// Query parameters whose value is personal or secret whatever it looks like.
const SECRET_PARAM_NAMES = ['phone', 'mobile', 'tel', 'email', 'token', 'key', 'secret', 'password'];
const SECRET_PARAM = new RegExp(`([?&](?:${SECRET_PARAM_NAMES.join('|')})=)([^&#\\s"'<>]*)`, 'gi');

/** A link token as logs show it: its first 4 characters, enough to tell two apart. */
export function maskToken(token: string): string {
  return `${token.slice(0, 4)}…[redacted]`;
}

/** `postgresql://casework:***@127.0.0.1:5433/casework`: the password of a URL masked. */
export function redactUrlPassword(text: string): string {
  return text.replace(URL_PASSWORD, '$1***@');
}

/** Masks tokens, phone numbers, e-mail addresses and URL passwords in any text. */
export function redactText(text: string): string {
  return redactUrlPassword(text)
    .replace(LINK_PATH, (_m, prefix: string, token: string) => prefix + maskToken(token))
    .replace(SECRET_PARAM, (_m, name: string, value: string) => name + (value ? '[redacted]' : ''))
    .replace(EMAIL, (m) => maskEmail(m))
    .replace(CHINESE_MOBILE, (m) => maskPhone(m))
    .replace(INTERNATIONAL, (m) => maskPhone(m));
}

/**
 * A request URL for a log line. Query strings arrive percent-encoded (`%2B86%20138…`)
 * or form-encoded (`+86+138…`), which the text patterns would not see: each parameter is
 * decoded first and re-joined unencoded, then masked.
 */
export function redactRequestUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  let decodedPath = path;
  try {
    decodedPath = decodeURIComponent(path);
  } catch {
    /* keep it as it came */
  }
  if (q < 0) return redactText(decodedPath);
  const params = [...new URLSearchParams(url.slice(q + 1))].map(([k, v]) => `${k}=${SECRET_PARAM_NAMES.includes(k.toLowerCase()) ? '[redacted]' : v}`);
  return redactText(`${decodedPath}?${params.join('&')}`);
}

/** Any JSON-able value with every string in it redacted (outbox entries, payloads). */
export function redactValue<T>(value: T): T {
  return JSON.parse(redactText(JSON.stringify(value) ?? 'null')) as T;
}

/** An error as a process prints it before exiting: its message (or stack), redacted. */
export function printableError(err: unknown, withStack = false): string {
  if (!(err instanceof Error)) return redactText(String(err));
  return redactText(withStack && err.stack ? err.stack : err.message);
}
