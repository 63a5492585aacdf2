// A careful client of several API replicas (as a load balancer with retries would be):
// each write carries one Idempotency-Key; a refused connection (a replica killed) or a 503
// (no worker in time) sends the same request, same key, to the next replica.
import { KEYS } from '../../support/stackInfo';
import { idempotencyKey, type KeyName, type Reply } from '../../support/http';

export class ApiPool {
  private turn = 0;
  /** Requests that had to move to another replica (connection refused or 503). */
  retries = 0;
  /** Each time a replica could not take a request (connection refused or reset) and which one answered it in the end. */
  readonly failovers: Array<{ refusedBy: string; answeredBy: string; at: number }> = [];
  /** When each replica last answered (any status). */
  readonly lastAnswer = new Map<string, number>();

  constructor(readonly bases: string[]) {}

  /** Alternates replicas request by request. */
  async call<T = any>(method: string, path: string, opts: { as?: KeyName; body?: unknown } = {}, timeoutMs = 120_000): Promise<Reply<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${KEYS[opts.as ?? 'agent']}` };
    if (method === 'POST') headers['idempotency-key'] = idempotencyKey();
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const deadline = Date.now() + timeoutMs;
    const refusedBy: string[] = [];
    for (;;) {
      const base = this.bases[this.turn++ % this.bases.length]!;
      let reply: Reply<T> | undefined;
      try {
        const res = await fetch(`${base}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
        const text = await res.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        reply = { status: res.status, body: body as T };
      } catch {
        // Connection refused or reset: that replica is gone.
        refusedBy.push(base);
      }
      if (reply) this.lastAnswer.set(base, Date.now());
      if (reply && reply.status !== 503) {
        for (const r of refusedBy) this.failovers.push({ refusedBy: r, answeredBy: base, at: Date.now() });
        return reply;
      }
      if (Date.now() > deadline) throw new Error(`${method} ${path}: no replica answered in ${timeoutMs} ms (last ${JSON.stringify(reply)})`);
      this.retries++;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** POST that must succeed with 200/201; returns the body. */
  async move(path: string, as: KeyName, body: unknown): Promise<any> {
    const r = await this.call('POST', path, { as, body });
    if (r.status !== 200 && r.status !== 201) throw new Error(`POST ${path} as ${as}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** Polls GET `path` until `pick(body)` is defined. */
  async until<T>(path: string, pick: (body: any) => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      const r = await this.call('GET', path, { as: 'supervisor' });
      last = r.body;
      const got = r.status === 200 ? pick(r.body) : undefined;
      if (got !== undefined) return got;
      if (Date.now() > deadline) throw new Error(`never: ${what} (last ${JSON.stringify(last).slice(0, 300)})`);
      await new Promise((res) => setTimeout(res, 200));
    }
  }
}

export type { Reply };
