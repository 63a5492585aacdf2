// A customer page request before its route does its work: pages only for browsers (other
// clients reach the JSON routes at the same URL), the link's signature checked first,
// what the page or its error page needs kept in res.locals (PageLocals), and a form
// post's envelope and fields parsed (a bad one: 400, never 500).
import express, { type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { signedLinkOrThrow } from '../../customerLinks';
import { HttpError } from '../../errors';
import { unstorableText } from '../../storableText';
import { FormEnvelope } from './forms';
import { isLang, pageLang, type Lang } from './i18n';
import type { PageFrame } from './layout';

/** Pages load only their own stylesheet and post only to this origin. */
export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** What a page request carries from its checks to its page, or to its error page. */
export interface PageLocals {
  lang: Lang;
  explicitLang: boolean;
  token: string;
  back?: string;
}

const Token = z.string().min(10).max(500);
const FORM_BODY_LIMIT = 16 * 1024;
const parseForm = express.urlencoded({ extended: false, limit: FORM_BODY_LIMIT, parameterLimit: 20 });

/** The request's PageLocals (set by `asPageFor`). */
export const pageLocals = (res: Response) => res.locals.customerPage as PageLocals;

/** The frame a page at `path` is drawn in, in the request's language. */
export const pageFrame = (res: Response, hotline: string, path: string): PageFrame => ({ lang: pageLocals(res).lang, hotline, path });

/** A browser asking for a page (Accept: text/html before JSON); programs keep the JSON API. */
export function wantsHtml(req: Request): boolean {
  return req.accepts(['application/json', 'text/html']) === 'text/html';
}

// next('route') leaves this route (and the router): the JSON route at the same path answers.
export const htmlOnly: RequestHandler = (req, _res, next) => (wantsHtml(req) ? next() : next('route'));

/** Marks the request as a page (errors become pages) and checks the link's signature first. */
export function asPageFor(linkSecret: string): RequestHandler {
  return (req, res, next) => {
    const token = Token.safeParse(req.params.token);
    const asked = isLang(req.query.lang) ? req.query.lang : undefined;
    res.locals.customerPage = { lang: pageLang(req), explicitLang: asked !== undefined, token: token.success ? token.data : '' } satisfies PageLocals;
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    if (!token.success) return next(new HttpError(401, 'invalid_link', 'this link is not valid'));
    try {
      signedLinkOrThrow(req, linkSecret, token.data);
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Form posts: urlencoded only, then the envelope (language, CSRF field, key); the token is judged after the link. */
export const formBody: RequestHandler = (req, res, next) => {
  if (!req.is('application/x-www-form-urlencoded')) return next(new HttpError(415, 'unsupported_media_type', 'a form post'));
  parseForm(req, res, (err?: unknown) => {
    if (err) return next(err);
    const env = FormEnvelope.safeParse(req.body ?? {});
    const l = pageLocals(res);
    if (env.success && env.data.lang) Object.assign(l, { lang: env.data.lang, explicitLang: true });
    if (unstorableText(req.body, 'body').length > 0 || !env.success) return next(new HttpError(400, 'validation_failed', 'invalid form'));
    next();
  });
};

/** A form's fields as its schema reads them; 400 when they do not parse. */
export function formOrThrow<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, 'validation_failed', 'invalid form');
  return parsed.data;
}
