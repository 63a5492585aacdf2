// What every answer carries for browsers and proxies: security headers (helmet), HSTS
// only over TLS, and CORS only for the origins CORS_ORIGINS names.
import cors from 'cors';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { HttpError } from './errors';

export interface EdgeSettings {
  /** Express "trust proxy": false (clients connect directly), a hop count, or the proxies' addresses/subnets. */
  trustProxy: boolean | number | string;
  /** Browser origins allowed to call the API; empty: CORS off. */
  corsOrigins: string[];
}

/** The API answers JSON only: nothing may load, frame or submit from its answers. */
export const securityHeaders: RequestHandler = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  // Sent only over TLS (strictTransportSecurity below): over plain HTTP it means nothing.
  strictTransportSecurity: false,
});

/**
 * /docs is Swagger UI: its own scripts and styles (and an inline <style>), data: images
 * and "Try it out" calls to this origin; still never framed.
 */
export const docsContentSecurityPolicy: RequestHandler = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
  },
});

/**
 * HSTS when the request came over TLS: `req.secure`, which behind a proxy trusted by
 * TRUST_PROXY follows its X-Forwarded-Proto (the API itself speaks plain HTTP).
 */
export const strictTransportSecurity: RequestHandler = (req, res, next) => {
  if (req.secure) res.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  next();
};

const CORS_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const CORS_REQUEST_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key'];

/**
 * CORS: off unless CORS_ORIGINS names origins. A preflight from an allowed origin is
 * answered 204; from any other (or with CORS off) 403, so the browser refuses the call.
 * Bearer keys, not cookies, authenticate: no credentials mode.
 */
export function corsPolicy(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  const withCors = cors({
    origin: (origin, done) => done(null, origin !== undefined && allowed.has(origin)),
    methods: CORS_METHODS,
    allowedHeaders: CORS_REQUEST_HEADERS,
    exposedHeaders: ['Retry-After'],
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
  return (req, res, next) => {
    const origin = req.get('origin');
    const preflight = req.method === 'OPTIONS' && origin !== undefined && req.get('access-control-request-method') !== undefined;
    if (preflight && !allowed.has(origin)) {
      return next(new HttpError(403, 'cors_refused', `origin ${origin} may not call this API from a browser (CORS_ORIGINS)`));
    }
    if (allowed.size === 0) return next();
    withCors(req, res, next);
  };
}
