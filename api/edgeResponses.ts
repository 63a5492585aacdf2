// Responses that come from the HTTP edge rather than from a handler — body parsing,
// the media type, validation, API keys, rate limits, load shedding, an unreachable
// Temporal or PostgreSQL — added to each operation of the OpenAPI document where that
// edge applies. A route's own entry for the same status (a better description) wins.
import { ErrorSchema } from '../domain/schemas';
import { LIVENESS_PATH } from './rateLimits';
import type { RouteSpec } from './routeSpec';

type Responses = RouteSpec['responses'];

export function edgeResponses(route: RouteSpec): Responses {
  const out: Responses = {};
  if (route.body || route.params || route.query || route.headers) {
    out[400] = { description: 'Invalid input: malformed JSON, or field-level validation messages', schema: ErrorSchema };
  }
  if (route.body) {
    out[413] = { description: 'Request body larger than MAX_BODY_BYTES (body_too_large)', schema: ErrorSchema };
    out[415] = {
      description: 'Request body not JSON: Content-Type must be application/json or application/*+json, charset utf-8 (unsupported_media_type)',
      schema: ErrorSchema,
    };
  }
  if (route.roles) {
    out[401] = { description: 'Missing or unknown API key', schema: ErrorSchema };
    out[403] = { description: 'Role not allowed', schema: ErrorSchema };
  } else if (route.detailRoles) {
    out[401] = { description: 'An API key was sent and is unknown (the key is optional here)', schema: ErrorSchema };
  }
  // Node's parser, before any route (api/clientErrors.ts).
  out[431] = { description: 'Request line and headers together over 16 KiB, e.g. a very long query string (headers_too_large)', schema: ErrorSchema };
  // Liveness is never limited nor shed (api/rateLimits.ts, api/loadShedding.ts).
  if (route.path === LIVENESS_PATH) return out;
  out[429] = {
    description:
      'Too many requests from this address or with this API key (rate_limited), or the address is locked out after repeated failed authentication (locked_out). Retry-After says when to retry',
    schema: ErrorSchema,
  };
  // Every route reads PostgreSQL (API keys, rows) or calls Temporal.
  out[503] = {
    description:
      'Temporal or PostgreSQL unreachable (service_unavailable), no worker answered within the deadline (worker_unavailable: a move may still be applied; retry with the same Idempotency-Key to learn its outcome), the request ran out of time (timeout) or the API is at its limit of requests in progress (overloaded). Retry-After says when to retry',
    schema: ErrorSchema,
  };
  return out;
}
