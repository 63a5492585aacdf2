import { KEYS, stackInfo } from './stackInfo';

export interface Reply<T = any> {
  status: number;
  body: T;
}

export type KeyName = keyof typeof KEYS;

/** One HTTP call to the test stack's API (or another base URL). */
export async function call<T = any>(
  method: string,
  path: string,
  opts: { as?: KeyName | null; key?: string; body?: unknown; raw?: string; headers?: Record<string, string>; base?: string } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  // Moves of agents and engineers require an Idempotency-Key; tests about the key pass
  // their own (or `idempotency-key: ''` to send none).
  if (method === 'POST' && MOVE_PATH.test(path) && !('idempotency-key' in headers)) headers['idempotency-key'] = idempotencyKey();
  if (headers['idempotency-key'] === '') delete headers['idempotency-key'];
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  else if (opts.as !== null) headers.authorization = `Bearer ${KEYS[opts.as ?? 'agent']}`;
  let payload: string | undefined;
  if (opts.raw !== undefined) payload = opts.raw;
  else if (opts.body !== undefined) payload = JSON.stringify(opts.body);
  if (payload !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${opts.base ?? stackInfo().apiUrl}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: body as T };
}

const MOVE_PATH = /^\/(cases|complaints)\/[^/?]+\/[^?]+/;

let keyCounter = 0;
export function idempotencyKey(): string {
  return `test-${process.pid}-${Date.now()}-${++keyCounter}`;
}

export function openCase(body: unknown, key = idempotencyKey(), as: KeyName = 'agent') {
  return call('POST', '/cases', { as, body, headers: { 'idempotency-key': key } });
}

/**
 * Cases move by themselves (automatic dispatch, offers): polls the case until its stage
 * is one of `stages`. Not a timing assertion: it fails only if the stage never comes.
 */
export async function waitForStage(caseNo: string, stages: string | string[], opts: { base?: string; timeoutMs?: number } = {}): Promise<any> {
  const want = Array.isArray(stages) ? stages : [stages];
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let last: Reply | undefined;
  while (Date.now() < deadline) {
    last = await call('GET', `/cases/${caseNo}`, { as: 'supervisor', base: opts.base });
    if (last.status === 200 && want.includes(last.body.case.stage)) return last.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`case ${caseNo} never reached ${want.join('|')}: last ${JSON.stringify(last?.body?.case?.stage ?? last?.body)}`);
}

/**
 * Things happen in the background (timers, the outbox): polls `probe` until it finds one.
 * Bounded by wall time, never by a count of polls (a slower machine stretches each poll).
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * A write as a careful client makes it: one Idempotency-Key, retried while the API says
 * 503 (no worker in time, a dependency down) until another answer comes.
 */
export async function callRetrying<T = any>(method: string, path: string, opts: Parameters<typeof call>[2] = {}, timeoutMs = 90_000): Promise<Reply<T>> {
  const headers = { 'idempotency-key': idempotencyKey(), ...opts.headers };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await call<T>(method, path, { ...opts, headers });
    if (r.status !== 503 || Date.now() > deadline) return r;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
