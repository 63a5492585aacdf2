// `npm run bench`: casework (L2) against a bare Temporal workflow (L1) and raw INSERTs
// (L0), alternating in one invocation against the same servers, at 1 and 8 clients.
// BENCH_MODE=throughput (default) | burst | memory | all. Small sizes by default:
//   BENCH_CASES (6 at 1 client, 16 at 8) BENCH_ROUNDS=3 BENCH_CLIENTS=1,8   (throughput)
//   BURST_CASES=100                                  (burst.ts)
//   MEMORY_CASES=200                                 (memory.ts)
// Embedded stack by default; TEMPORAL_ADDRESS / DATABASE_URL (+ PAYLOAD_KEYS) for the
// production topology (BENCH_TEMPORAL_PIDS / BENCH_PG_PIDS count their CPU if local).
// TEMPORAL_SQLITE_PRAGMAS='' runs the embedded dev server with SQLite's defaults.
// BENCH_CPU_PROFILE=<dir>: a V8 CPU profile of the worker+API process (profileSummary.ts).
import os from 'node:os';
import { Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { temporalClient } from '../../shared/temporalData';
import { parsePayloadKeys } from '../../shared/payloadKeys';
import { workflowIdFor } from '../../domain';
import { burst } from './burst';
import { historyCost, printCost } from './history';
import { l0, l1, l2, STEPS, type LevelDeps, type OneCase, type Timings } from './levels';
import { memory } from './memory';
import { cpuSeconds, startBenchStack, type BenchStack } from './stack';

const num = (name: string, d: number) => Number(process.env[name] ?? d);
/** Cases per run: enough for every client to do a few. */
const casesFor = (clients: number) => num('BENCH_CASES', clients === 1 ? 6 : 2 * clients);
const ROUNDS = num('BENCH_ROUNDS', 3);
const CLIENTS = (process.env.BENCH_CLIENTS ?? '1,8').split(',').map(Number);
const MODE = process.env.BENCH_MODE ?? 'throughput';

interface RunResult {
  rate: number;
  timings: Timings;
  cpu: Record<string, number>;
  last: string;
}

async function runLevel(stack: BenchStack, one: OneCase, clients: number, intakeOnly: boolean): Promise<RunResult> {
  const groups = stack.groups();
  const before = Object.fromEntries(Object.entries(groups).map(([g, pids]) => [g, cpuSeconds(pids)]));
  const timings: Timings = new Map();
  const CASES = casesFor(clients);
  let next = 0;
  let last = '';
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < CASES) last = await one(next++, timings, intakeOnly);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const after = stack.groups();
  const cpu = Object.fromEntries(Object.entries(after).map(([g, pids]) => [g, (cpuSeconds(pids) - before[g]!) / CASES]));
  return { rate: CASES / seconds, timings, cpu, last };
}

const pct = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((p / 100) * v.length))] ?? NaN;
const median = (v: number[]) => pct(v, 50);
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);

function report(title: string, runs: RunResult[], own: string[]): void {
  const rates = runs.map((r) => r.rate);
  console.log(`  ${title}: cases/s min ${f2(Math.min(...rates))} · median ${f2(median(rates))} · max ${f2(Math.max(...rates))}  (${rates.map(f2).join(', ')})`);
  const all: Timings = new Map();
  for (const r of runs) for (const [s, v] of r.timings) all.set(s, [...(all.get(s) ?? []), ...v]);
  console.log(
    `    p50/p99 ms: ${STEPS.filter((s) => all.has(s))
      .map((s) => `${s} ${f1(pct(all.get(s)!, 50))}/${f1(pct(all.get(s)!, 99))}`)
      .join(' · ')}`,
  );
  const cpu = own.map((g) => [g, median(runs.map((r) => r.cpu[g] ?? 0))] as const);
  const total = cpu.reduce((s, [, v]) => s + v, 0);
  console.log(`    CPU-s per case: ${cpu.map(([g, v]) => `${g} ${v.toFixed(3)}`).join(' · ')} · total ${total.toFixed(3)}`);
}

async function throughput(stack: BenchStack, deps: LevelDeps): Promise<void> {
  const levels: Array<[string, OneCase, string[]]> = [
    ['L0 raw INSERTs', l0(deps), ['postgres']],
    ['L1 bare workflow', l1(deps), ['temporal', 'postgres', 'L1 worker']],
    ['L2 casework API', l2(deps), ['temporal', 'postgres', 'worker+API']],
  ];
  const lastOf: Record<string, string> = {};
  for (const clients of CLIENTS) {
    const results = new Map<string, RunResult[]>();
    // Alternating: each round runs every level once, so machine load hits all alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (const intakeOnly of [false, true]) {
        for (const [name, one] of levels) {
          const key = `${name}|${intakeOnly ? 'intake' : 'lifecycle'}`;
          const r = await runLevel(stack, one, clients, intakeOnly);
          (results.get(key) ?? results.set(key, []).get(key)!).push(r);
          if (!intakeOnly) lastOf[name] = r.last;
        }
      }
    }
    console.log(`\n${clients} client(s), ${casesFor(clients)} cases × ${ROUNDS} rounds, load ${os.loadavg().map(f1).join(' ')}:`);
    for (const kind of ['lifecycle', 'intake']) {
      for (const [name, , own] of levels) report(`${name} ${kind}`, results.get(`${name}|${kind}`)!, own);
      const m = (n: string) => median(results.get(`${n}|${kind}`)!.map((r) => r.rate));
      const pairs = results.get(`L1 bare workflow|${kind}`)!.map((r, i) => results.get(`L2 casework API|${kind}`)![i]!.rate / r.rate);
      console.log(
        `  ${kind} L2/L1 = ${(m('L2 casework API') / m('L1 bare workflow')).toFixed(2)} (medians; per round ${pairs.map((p) => p.toFixed(2)).join(', ')})`,
      );
    }
  }
  console.log('\nHistory of one finished case:');
  printCost('L1 bare', await historyCost(deps.client, lastOf['L1 bare workflow']!));
  printCost('L2 casework', await historyCost(deps.client, workflowIdFor(lastOf['L2 casework API']!)));
}

async function main(): Promise<void> {
  const t0 = Date.now();
  console.log(`casework bench ${new Date().toISOString()} · ${os.cpus().length} cores · load ${os.loadavg().map(f1).join(' ')} · mode ${MODE}`);
  const stack = await startBenchStack();
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const pool = new Pool({ connectionString: stack.databaseUrl, max: 10 });
  const deps: LevelDeps = { pool, client: temporalClient(connection, parsePayloadKeys(stack.payloadKeys)), apiUrl: stack.apiUrl, bareQueue: stack.bareQueue };
  console.log(
    `stack: Temporal ${stack.temporalAddress}${process.env.BENCH_SERVER === 'production' ? ' (real server on PostgreSQL)' : process.env.TEMPORAL_ADDRESS ? '' : ` (dev server, sqlite pragmas '${process.env.TEMPORAL_SQLITE_PRAGMAS ?? 'journal_mode=wal,synchronous=normal'}')`} · PostgreSQL ${process.env.DATABASE_URL && process.env.BENCH_SERVER !== 'production' ? 'external' : 'embedded'}`,
  );
  try {
    if (MODE === 'throughput' || MODE === 'all') await throughput(stack, deps);
    if (MODE === 'burst' || MODE === 'all') await burst(stack, deps);
    if (MODE === 'memory' || MODE === 'all') await memory(stack, deps);
  } finally {
    await pool.end();
    await connection.close();
    await stack.stop();
  }
  console.log(`\ndone in ${f1((Date.now() - t0) / 1000)} s · load ${os.loadavg().map(f1).join(' ')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
