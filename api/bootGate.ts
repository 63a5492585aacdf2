// The API listens before its dependencies are ready: while migrations wait for PostgreSQL
// a caller gets a prompt 503 with Retry-After (and /health/live a 200) instead of a
// refused connection or a hang; once ready, every request goes to the app.
import http, { type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { answerClientError } from './clientErrors';
import { RETRY_AFTER_SECONDS } from './errors';

function starting(req: IncomingMessage, res: ServerResponse): void {
  const live = req.url === '/health/live';
  res.writeHead(live ? 200 : 503, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...(live ? {} : { 'retry-after': String(RETRY_AFTER_SECONDS) }),
  });
  res.end(
    JSON.stringify(
      live ? { status: 'alive' } : { error: { code: 'service_unavailable', message: 'casework is starting: waiting for PostgreSQL; retry shortly' } },
    ),
  );
}

export function gatedServer(): { server: Server; open: (app: RequestListener) => void } {
  let handler: RequestListener = starting;
  const server = http.createServer((req, res) => handler(req, res));
  server.on('clientError', answerClientError);
  return { server, open: (app) => (handler = app) };
}
