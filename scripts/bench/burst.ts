// BENCH_MODE=burst: BURST_CASES cases whose SLA deadline falls in the same second, and
// how late their warning and level-1 escalation fire. A business-hours calendar that
// opens at the next whole minute after the intake makes every P3 dispatch clock start
// at that minute (as a real calendar resumes paused P3/P4 clocks at its opening), so
// all deadlines coincide. The policy in force is published back afterwards. The cases
// stay open in a region of no engineers (no dispatch).
import os from 'node:os';
import { DEFAULT_SLA_POLICY, type SlaPolicy } from '../../domain/sla';
import { KEYS } from './keys';
import { intakeBody, openCase, type LevelDeps } from './levels';
import { cpuSeconds as cpuOf, type BenchStack } from './stack';

const N = Number(process.env.BURST_CASES ?? 100);
const CLIENTS = Number(process.env.BURST_CLIENTS ?? 8);
/** Guess of intake/s, to place the opening minute after the last intake. */
const INTAKE_RATE = Number(process.env.BURST_INTAKE_RATE ?? 3);
const TARGET_MIN = 2;
const WARNING_AT = 0.25;

async function policy(deps: LevelDeps, method: 'GET' | 'PUT', body?: unknown): Promise<{ policy: SlaPolicy }> {
  const res = await fetch(`${deps.apiUrl}/sla/policy`, {
    method,
    headers: { authorization: `Bearer ${method === 'GET' ? KEYS.ops : KEYS.admin}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} /sla/policy: ${res.status} ${await res.text()}`);
  return (await res.json()) as { policy: SlaPolicy };
}

function burstPolicy(openAt: Date): SlaPolicy {
  const hhmm = openAt.toISOString().slice(11, 16);
  const far = 100_000;
  const targets = { firstResponse: far, dispatch: TARGET_MIN, engineerAcceptance: far, customerContact: far, onSiteArrival: far, resolution: far };
  return {
    ...DEFAULT_SLA_POLICY,
    warningAt: WARNING_AT,
    ladder: [{ level: 1, atFraction: 1, actions: ['notify_supervisor'] }],
    calendar: { utcOffsetMinutes: 0, workdays: [1, 2, 3, 4, 5, 6, 7], open: hhmm, close: '23:59', holidays: [], makeupWorkdays: [] },
    priorities: { ...DEFAULT_SLA_POLICY.priorities, P3: { calendar: 'business', targetsMinutes: targets } },
  };
}

const pct = (v: number[], p: number) => v[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)] ?? NaN;

export async function burst(stack: BenchStack, deps: LevelDeps): Promise<void> {
  const openAt = new Date(Math.ceil((Date.now() + (N / INTAKE_RATE) * 1000 + 20_000) / 60_000) * 60_000);
  const dueAt = openAt.getTime() + TARGET_MIN * 60_000;
  console.log(
    `\nTimer burst: ${N} P3 cases, ${CLIENTS} clients; clocks start ${openAt.toISOString()}, warning +${TARGET_MIN * WARNING_AT * 60} s, escalation at ${new Date(dueAt).toISOString()}`,
  );
  const previous = await policy(deps, 'GET');
  await policy(deps, 'PUT', { policy: burstPolicy(openAt), note: 'bench: timer burst' });
  const region = `BENCH-BURST-${Date.now().toString(36).toUpperCase()}`;
  const caseNos: string[] = [];
  try {
    let next = 0;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < N) caseNos.push(await openCase(deps, intakeBody(next++, region)));
      }),
    );
    console.log(
      `  intake: ${N} cases in ${((Date.now() - t0) / 1000).toFixed(1)} s${Date.now() > openAt.getTime() ? ' — PAST the opening minute: raise BURST_INTAKE_RATE' : ''}`,
    );
  } finally {
    await policy(deps, 'PUT', { policy: previous.policy, note: 'bench: policy restored after the timer burst' });
  }
  const groups = stack.groups();
  const cpu0 = Object.fromEntries(Object.entries(groups).map(([g, p]) => [g, cpuOf(p)]));
  // Poll until every level-1 escalation is on record (or 10 minutes past the deadline).
  let rows: Array<{ kind: string; lateMs: number; due: number }>;
  for (;;) {
    const { rows: r } = await deps.pool.query(
      `SELECT kind, extract(epoch from fired_at - due_at) * 1000 AS "lateMs", extract(epoch from due_at) AS due
         FROM escalations WHERE case_no = ANY($1)`,
      [caseNos],
    );
    rows = r.map((x: { kind: string; lateMs: string; due: string }) => ({ kind: x.kind, lateMs: Number(x.lateMs), due: Number(x.due) }));
    if (rows.filter((x) => x.kind === 'escalation').length >= N || Date.now() > dueAt + 600_000) break;
    await new Promise((r) => setTimeout(r, 2_000));
  }
  for (const kind of ['warning', 'escalation']) {
    const late = rows
      .filter((x) => x.kind === kind)
      .map((x) => x.lateMs / 1000)
      .sort((a, b) => a - b);
    const seconds = new Set(rows.filter((x) => x.kind === kind).map((x) => Math.floor(x.due))).size;
    console.log(
      `  ${kind}: ${late.length}/${N} fired (deadlines in ${seconds} distinct second(s)); lateness s p50 ${pct(late, 50).toFixed(2)} · p99 ${pct(late, 99).toFixed(2)} · max ${(late.at(-1) ?? NaN).toFixed(2)}`,
    );
  }
  const after = stack.groups();
  console.log(
    `  CPU-s during the firing: ${Object.keys(after)
      .map((g) => `${g} ${(cpuOf(after[g]!) - cpu0[g]!).toFixed(1)}`)
      .join(' · ')} · load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}
