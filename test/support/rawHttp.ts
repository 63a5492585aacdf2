// HTTP at the level of headers, for the edge tests: any header (Origin, X-Forwarded-For),
// every response header, and a request that stays in flight for as long as a test wants.
import http from 'node:http';

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

export function rawRequest(
  base: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, base), { method, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON: keep the text */
        }
        resolve({ status: res.statusCode!, headers: res.headers, body });
      });
    });
    // The server may answer (401) and close before a large body is all sent.
    req.on('error', reject);
    req.end(opts.body);
  });
}

/**
 * A request that announces a body and sends only part of it: the server holds it in
 * flight (its JSON parser waits) until `finish` sends the rest.
 */
export function heldRequest(base: string, path: string, headers: Record<string, string>): { finish(): Promise<RawReply> } {
  const body = Buffer.from('{"held": true}');
  let answer: (r: RawReply) => void;
  let fail: (e: Error) => void;
  const reply = new Promise<RawReply>((resolve, reject) => {
    answer = resolve;
    fail = reject;
  });
  const req = http.request(
    new URL(path, base),
    { method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'content-length': String(body.length) } },
    (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => answer({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    },
  );
  req.on('error', (e) => fail(e));
  req.write(body.subarray(0, 5));
  return {
    finish() {
      req.end(body.subarray(5));
      return reply;
    },
  };
}
