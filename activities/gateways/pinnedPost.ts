// A POST that connects only to addresses already checked (the webhook SSRF guard): fetch
// would resolve the name again, and a DNS server could answer it differently (rebinding).
// node:http with a pinned `lookup` keeps the name for the Host header and, over HTTPS, for
// SNI and certificate verification. Same contract as fetchWithTimeout: redirects are not
// followed, network errors and timeouts are retryable GatewayErrors.
import http from 'node:http';
import https from 'node:https';
import { pinnedLookup } from '../../shared/webhookTargets';
import { GatewayError } from './types';

/**
 * POSTs `body` to `url`, connecting only to `addresses` (undefined: as the system resolves
 * the name). Resolves with the status once the answer has been read.
 */
export function postPinned(
  url: string,
  addresses: readonly string[] | undefined,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<number> {
  const u = new URL(url);
  const signal = AbortSignal.timeout(timeoutMs);
  return new Promise<number>((resolve, reject) => {
    let status: number | undefined;
    const req = (u.protocol === 'https:' ? https : http).request(
      {
        method: 'POST',
        protocol: u.protocol,
        hostname: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port || undefined,
        path: `${u.pathname}${u.search}`,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        // A fresh connection: a pooled socket could have been opened to another answer.
        agent: false,
        lookup: addresses && pinnedLookup(addresses),
        signal,
      },
      (res) => {
        status = res.statusCode ?? 0;
        // Like fetch's body read: a body cut short still leaves the status that came.
        const done = () => resolve(status!);
        res.on('end', done).on('error', done).on('close', done).resume();
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (status !== undefined) return resolve(status);
      const why = signal.aborted ? `timed out after ${timeoutMs} ms` : (err.code ?? err.message);
      reject(new GatewayError(`${u.origin}: ${why}`, true));
    });
    req.end(body);
  });
}
