// `npm run bench:api`: drives N cases from intake to archive (or, with BENCH_KIND=complaints,
// N complaints from registration to closed) through the HTTP API of a running casework
// (npm start) with C concurrent clients, and prints throughput and per-call latency.
// Loopback only; bounded by N. Cases need engineer E001 in the roster
// (`npm run seed:engineers`).
//   BENCH_API=http://localhost:3000 BENCH_CASES=200 BENCH_CONCURRENCY=8 [BENCH_KIND=complaints] \
//   API_KEYS=... (the same keys the server was started with) npm run bench:api
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const api = process.env.BENCH_API ?? 'http://localhost:3000';
const total = Number(process.env.BENCH_CASES ?? 100);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const kind = process.env.BENCH_KIND === 'complaints' ? 'complaints' : 'cases';
const keys = Object.fromEntries(
  (process.env.API_KEYS ?? '')
    .split(',')
    .filter(Boolean)
    .map((entry) => {
      const [who, key] = entry.split('=');
      return [who!, key!];
    }),
);
const need = kind === 'cases' ? ['agent', 'dispatcher', 'engineer:E001'] : ['agent', 'supervisor'];
for (const who of need) {
  if (!keys[who]) {
    console.error(`API_KEYS must include ${need.join(', ')} (the keys the server runs with)`);
    process.exit(2);
  }
}

const timings = new Map<string, number[]>();
async function timed(label: string, method: string, path: string, who: string, body: unknown, headers: Record<string, string> = {}) {
  const t0 = performance.now();
  const res = await fetch(`${api}${path}`, {
    method,
    // Every write carries an Idempotency-Key (agents' and engineers' moves require one).
    headers: {
      authorization: `Bearer ${keys[who]}`,
      'content-type': 'application/json',
      ...(method === 'POST' ? { 'idempotency-key': `bench-${randomUUID()}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as { case?: { caseNo: string }; error?: unknown };
  const ms = performance.now() - t0;
  if (res.status >= 300) throw new Error(`${label}: ${res.status} ${JSON.stringify(json)}`);
  (timings.get(label) ?? timings.set(label, []).get(label)!).push(ms);
  return json;
}

const run = `${Date.now().toString(36)}`;
async function oneCase(i: number): Promise<void> {
  // One engineer does every visit, so each case needs its own slot (no double booking).
  const slotAt = Date.parse('2030-01-01T00:00:00Z') + (Date.now() % 1_000_000) * 3_600_000 + i * 3 * 3_600_000;
  const start = new Date(slotAt).toISOString();
  const end = new Date(slotAt + 7_200_000).toISOString();
  const opened = await timed(
    'POST /cases',
    'POST',
    '/cases',
    'agent',
    {
      channel: 'phone',
      customer: { name: `Bench ${i}`, phone: `+86 139 ${String(i).padStart(8, '0')}`, address: 'Bench Road 1', region: 'BENCH' },
      product: { category: 'air_conditioner', model: 'KFR-35GW', serial: `BENCH-${run}-${i}` },
      faultDescription: 'benchmark case',
      priority: 'P3',
    },
    { 'idempotency-key': `bench-${run}-${i}` },
  );
  const c = opened.case!.caseNo;
  await timed('assign', 'POST', `/cases/${c}/assign`, 'dispatcher', { engineerId: 'E001' });
  await timed('contact', 'POST', `/cases/${c}/contact`, 'engineer:E001', { confirmedAddress: 'Bench Road 1', diagnosis: 'bench' });
  await timed('appointment', 'POST', `/cases/${c}/appointment`, 'engineer:E001', { start, end });
  await timed('check-in', 'POST', `/cases/${c}/check-in`, 'engineer:E001', {});
  await timed('check-out', 'POST', `/cases/${c}/check-out`, 'engineer:E001', { result: 'fixed', resolution: 'bench' });
  await timed('confirm', 'POST', `/cases/${c}/confirm`, 'agent', { rating: 5 });
  await timed('GET /cases/:caseNo', 'GET', `/cases/${c}`, 'agent', undefined);
}

async function oneComplaint(i: number): Promise<void> {
  const opened = (await timed(
    'POST /complaints',
    'POST',
    '/complaints',
    'agent',
    {
      category: 'service_attitude',
      channel: 'phone',
      summary: 'benchmark complaint',
      customer: { name: `Bench ${i}`, phone: `+86 139 ${String(i).padStart(8, '0')}` },
    },
    { 'idempotency-key': `bench-c-${run}-${i}` },
  )) as { complaint?: { complaintNo: string } };
  const c = opened.complaint!.complaintNo;
  await timed('acknowledge', 'POST', `/complaints/${c}/acknowledge`, 'supervisor', {});
  await timed('investigate', 'POST', `/complaints/${c}/investigate`, 'supervisor', {});
  await timed('resolution', 'POST', `/complaints/${c}/resolution`, 'supervisor', { resolution: 'bench' });
  await timed('decision', 'POST', `/complaints/${c}/decision`, 'agent', { accepted: true });
  await timed('callback', 'POST', `/complaints/${c}/callback`, 'agent', { satisfied: true });
  await timed('close', 'POST', `/complaints/${c}/close`, 'supervisor', { rootCause: 'bench', responsibility: 'none' });
  await timed('GET /complaints/:no', 'GET', `/complaints/${c}`, 'agent', undefined);
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await (kind === 'cases' ? oneCase : oneComplaint)(next++);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const requests = [...timings.values()].reduce((n, v) => n + v.length, 0);
  const unit = kind === 'cases' ? 'cases intake→archived' : 'complaints registered→closed';
  console.log(`casework bench: ${total} ${unit}, ${concurrency} concurrent clients, ${api}`);
  console.log(`  wall ${seconds.toFixed(1)} s · ${(total / seconds).toFixed(1)} ${kind}/s · ${(requests / seconds).toFixed(0)} requests/s`);
  console.log('  call                    p50 ms   p95 ms   p99 ms   max ms');
  for (const [label, values] of timings) {
    const f = (n: number) => n.toFixed(1).padStart(8);
    console.log(`  ${label.padEnd(22)}${f(pct(values, 50))} ${f(pct(values, 95))} ${f(pct(values, 99))} ${f(Math.max(...values))}`);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
