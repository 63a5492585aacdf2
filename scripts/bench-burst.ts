// `npm run bench:burst`: a bounded burst against a running casework API (npm start) that
// prints what the limits and the load shedding did — not a test. Two phases, open loop
// (requests leave on schedule whether or not earlier ones were answered):
//   1. BURST_RATE req/s (500) for BURST_SECONDS (5) at GET /cases with one agent key;
//   2. BAD_KEYS (2000) requests with wrong keys within BURST_SECONDS.
// Loopback only; stops by itself (every request has a 30 s client deadline). Phase 2
// locks 127.0.0.1 out for AUTH_LOCKOUT_S of the server (start it with a short one).
//   API_KEYS='agent=bench-agent-key' AUTH_LOCKOUT_S=30 npm start
//   BENCH_API=http://localhost:3000 BENCH_KEY=bench-agent-key npm run bench:burst
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const api = process.env.BENCH_API ?? 'http://localhost:3000';
const key = process.env.BENCH_KEY ?? '';
const rate = Number(process.env.BURST_RATE ?? 500);
const seconds = Number(process.env.BURST_SECONDS ?? 5);
const badKeys = Number(process.env.BAD_KEYS ?? 2000);
const CLIENT_DEADLINE_MS = 30_000;
const TICK_MS = 10;

if (!['localhost', '127.0.0.1', '[::1]'].includes(new URL(api).hostname)) {
  console.error(`bench:burst only runs against a loopback API, not ${api}`);
  process.exit(2);
}
if (!key) {
  console.error('BENCH_KEY must be an API key the server knows (e.g. an agent key of API_KEYS)');
  process.exit(2);
}

interface Outcome {
  /** Status and error code (`429 locked_out`), or what the client met instead of an answer. */
  status: string;
  ms: number;
}

async function one(path: string, bearer: string): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${bearer}` }, signal: AbortSignal.timeout(CLIENT_DEADLINE_MS) });
    const text = await res.text();
    const ms = performance.now() - t0;
    const code = res.status >= 400 ? ((JSON.parse(text) as { error?: { code?: string } }).error?.code ?? '') : '';
    return { status: `${res.status} ${code}`.trim(), ms };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { status: e.name === 'TimeoutError' ? 'timeout' : `error ${e.cause?.code ?? e.name}`, ms: performance.now() - t0 };
  }
}

/** Sends `total` requests evenly over `seconds`, in ticks of TICK_MS, without waiting for answers. */
async function openLoop(total: number, make: (i: number) => Promise<Outcome>): Promise<{ outcomes: Outcome[]; wallS: number }> {
  const ticks = Math.max(1, Math.round((seconds * 1000) / TICK_MS));
  const pending: Promise<Outcome>[] = [];
  const t0 = performance.now();
  for (let tick = 0; tick < ticks; tick++) {
    const due = t0 + tick * TICK_MS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const upTo = Math.round(((tick + 1) * total) / ticks);
    while (pending.length < upTo) pending.push(make(pending.length));
  }
  const outcomes = await Promise.all(pending);
  return { outcomes, wallS: (performance.now() - t0) / 1000 };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function report(title: string, { outcomes, wallS }: { outcomes: Outcome[]; wallS: number }): void {
  const byStatus = new Map<string, number[]>();
  for (const o of outcomes) (byStatus.get(o.status) ?? byStatus.set(o.status, []).get(o.status)!).push(o.ms);
  const all = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const fmt = (ms: number) => (Number.isNaN(ms) ? '-' : `${ms.toFixed(1)} ms`);
  console.log(`\n${title}: ${outcomes.length} requests sent, all answered after ${wallS.toFixed(1)} s`);
  console.log(`  ${'answer'.padEnd(24)} ${'count'.padStart(6)} ${'p50'.padStart(10)} ${'p99'.padStart(10)}`);
  for (const [status, ms] of [...byStatus].sort(([a], [b]) => a.localeCompare(b))) {
    ms.sort((a, b) => a - b);
    console.log(`  ${status.padEnd(24)} ${String(ms.length).padStart(6)} ${fmt(percentile(ms, 50)).padStart(10)} ${fmt(percentile(ms, 99)).padStart(10)}`);
  }
  console.log(`  ${'all'.padEnd(24)} ${String(all.length).padStart(6)} ${fmt(percentile(all, 50)).padStart(10)} ${fmt(percentile(all, 99)).padStart(10)}`);
}

async function main(): Promise<void> {
  const health = await one('/health/live', key);
  if (health.status !== '200') throw new Error(`no API answering at ${api} (/health/live: ${health.status})`);
  console.log(`bench:burst against ${api}: ${rate} req/s for ${seconds} s at GET /cases, then ${badKeys} wrong keys in ${seconds} s`);
  report(`GET /cases at ${rate} req/s`, await openLoop(rate * seconds, () => one('/cases?limit=20', key)));
  report(`${badKeys} wrong keys`, await openLoop(badKeys, () => one('/cases?limit=1', `bench-wrong-${randomBytes(8).toString('hex')}`)));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
