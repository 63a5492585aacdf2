// One case at each level of `npm run bench`, step by step, each step timed:
//   L0  seven INSERTs straight into PostgreSQL (the floor);
//   L1  the bare workflow (bareWorkflow.ts): update-with-start, then six Updates;
//   L2  casework through its HTTP API: POST /cases, assign, contact, appointment,
//       check-in, check-out, confirm.
// `intakeOnly` stops after the first step (the intake ratio).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { KEYS } from './keys';
import { benchStep, type bareCase } from './bareWorkflow';

export const STEPS = ['intake', 'assign', 'contact', 'appointment', 'check-in', 'check-out', 'confirm'] as const;
export type Timings = Map<string, number[]>;

export interface LevelDeps {
  pool: Pool;
  client: Client;
  apiUrl: string;
  bareQueue: string;
}

export type OneCase = (i: number, timings: Timings, intakeOnly: boolean) => Promise<string>;

async function timed<T>(timings: Timings, step: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  (timings.get(step) ?? timings.set(step, []).get(step)!).push(performance.now() - t0);
  return out;
}

const run = Date.now().toString(36);

export function l0(deps: LevelDeps): OneCase {
  return async (i, timings, intakeOnly) => {
    const id = `l0-${run}-${i}-${randomUUID()}`;
    for (const step of intakeOnly ? STEPS.slice(0, 1) : STEPS) {
      await timed(timings, step, () => deps.pool.query('INSERT INTO bench_steps (id, step) VALUES ($1, $2)', [id, step]));
    }
    return id;
  };
}

export function l1(deps: LevelDeps): OneCase {
  return async (i, timings, intakeOnly) => {
    const id = `bench-bare-${run}-${i}-${randomUUID().slice(0, 8)}`;
    await timed(timings, 'intake', () =>
      deps.client.workflow.executeUpdateWithStart(benchStep, {
        args: ['intake'],
        startWorkflowOperation: new WithStartWorkflowOperation<typeof bareCase>('bareCase', {
          workflowId: id,
          taskQueue: deps.bareQueue,
          args: [id],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      }),
    );
    if (intakeOnly) return id;
    const handle = deps.client.workflow.getHandle(id);
    for (const step of STEPS.slice(1)) await timed(timings, step, () => handle.executeUpdate(benchStep, { args: [step] }));
    return id;
  };
}

/** One API call; a 503 (the worker did not answer in time on a loaded machine) is retried with the same key, as clients must. */
async function api(deps: LevelDeps, key: string, method: string, p: string, body?: unknown): Promise<Record<string, unknown>> {
  const idempotencyKey = `bench-${randomUUID()}`;
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${deps.apiUrl}${p}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    // As a real client does: wait what Retry-After says (a busy worker, e.g. in a burst's firing).
    if (res.status === 503 && attempt < 30) {
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
      continue;
    }
    if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }
}

/** An intake body; `region` with no engineers keeps the case out of automatic dispatch. */
export function intakeBody(i: number, region: string, priority = 'P3') {
  return {
    channel: 'phone',
    customer: { name: `Bench ${i}`, phone: `+86 139 ${String(i).padStart(8, '0')}`, address: 'Bench Road 1', region },
    product: { category: 'air_conditioner', model: 'KFR-35GW', serial: `BENCH-${run}-${i}-${randomUUID().slice(0, 8)}` },
    faultDescription: 'benchmark case',
    priority,
    allowDuplicate: true,
  };
}

export function openCase(deps: LevelDeps, body: unknown): Promise<string> {
  return api(deps, KEYS.agent, 'POST', '/cases', body).then((r) => (r.case as { caseNo: string }).caseNo);
}

let slot = 0;
/** The first bench day of this process; each case takes the next day (a fresh stack per invocation). */
const firstDay = Date.now() % 50_000;
export function l2(deps: LevelDeps): OneCase {
  return async (i, timings, intakeOnly) => {
    const c = await timed(timings, 'intake', () => openCase(deps, intakeBody(i, 'BENCH')));
    if (intakeOnly) return c;
    // One engineer does every visit: each case needs a slot of its own (no double booking),
    // on a day of its own at 10:00-12:00 UTC+8, inside E001's hours (a slot across
    // midnight was refused as outside_engineer_hours).
    const at = Date.parse('2030-01-01T02:00:00Z') + (firstDay + slot++) * 86_400_000;
    const eng = KEYS.engineerE001;
    await timed(timings, 'assign', () => api(deps, KEYS.dispatcher, 'POST', `/cases/${c}/assign`, { engineerId: 'E001' }));
    await timed(timings, 'contact', () => api(deps, eng, 'POST', `/cases/${c}/contact`, { confirmedAddress: 'Bench Road 1', diagnosis: 'bench' }));
    const appointment = { start: new Date(at).toISOString(), end: new Date(at + 7_200_000).toISOString() };
    await timed(timings, 'appointment', () => api(deps, eng, 'POST', `/cases/${c}/appointment`, appointment));
    await timed(timings, 'check-in', () => api(deps, eng, 'POST', `/cases/${c}/check-in`, {}));
    await timed(timings, 'check-out', () => api(deps, eng, 'POST', `/cases/${c}/check-out`, { result: 'fixed', resolution: 'bench' }));
    await timed(timings, 'confirm', () => api(deps, KEYS.agent, 'POST', `/cases/${c}/confirm`, { rating: 5 }));
    return c;
  };
}
