// CORS for the codec endpoint only: the Temporal Web UI calls /codec/* from its own origin,
// with `Content-Type: application/json`, `X-Namespace` and `Authorization`, so the browser
// sends a preflight first. Only the origins listed (CODEC_CORS_ORIGINS, plus the embedded
// UI under `npm start`) get an answer that lets the browser read the response.
import cors from 'cors';
import type { RequestHandler } from 'express';

export function codecCors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins.map((o) => new URL(o).origin));
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['POST'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Namespace'],
    // The UI's "include cross-origin credentials" setting sends cookies; harmless, since the key is a header.
    credentials: true,
    maxAge: 600,
  });
}
