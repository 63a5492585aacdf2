// The API reads JSON only. A request that carries a body on a route that takes one must
// say it is JSON (application/json or application/*+json, any parameters): otherwise 415
// rather than guessing. A request without a body passes on to validation (a required
// body that is missing stays a 400).
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { HttpError } from './errors';

/** application/json, application/json; charset=utf-8, application/merge-patch+json … */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const essence = contentType?.split(';', 1)[0]!.trim().toLowerCase() ?? '';
  return essence === 'application/json' || /^application\/[a-z0-9!#$&^_.-]+\+json$/.test(essence);
}

/** As type-is's hasBody: a chunked body, or a Content-Length other than 0. */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length !== '' && Number(length) !== 0;
}

/** For the routes that declare a body: 415 for a body that is not JSON. */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (!hasBody(req.headers) || isJsonMediaType(req.get('content-type'))) return next();
  const given = req.get('content-type');
  next(new HttpError(415, 'unsupported_media_type', `the request body must be JSON (Content-Type: application/json), not ${given ? `'${given}'` : 'untyped'}`));
};
