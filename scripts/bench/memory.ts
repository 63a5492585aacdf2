// BENCH_MODE=memory: worker+API RSS per cached open case. Opens MEMORY_CASES cases that
// stay open (a region of no engineers), reading the launcher's RSS every 250 cases (so a
// run that kills the process still says where), and times GET of a case and the list with
// them open.
import { performance } from 'node:perf_hooks';
import { KEYS } from './keys';
import { intakeBody, openCase, type LevelDeps } from './levels';
import { rssMb, type BenchStack } from './stack';

const N = Number(process.env.MEMORY_CASES ?? 200);

async function timedGet(deps: LevelDeps, p: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${deps.apiUrl}${p}`, { headers: { authorization: `Bearer ${KEYS.agent}` } });
  await res.text();
  if (res.status !== 200) throw new Error(`GET ${p}: ${res.status}`);
  return performance.now() - t0;
}

export async function memory(stack: BenchStack, deps: LevelDeps): Promise<void> {
  const region = `BENCH-MEM-${Date.now().toString(36).toUpperCase()}`;
  const before = rssMb(stack.workerPid);
  const caseNos: string[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < N) {
        caseNos.push(await openCase(deps, intakeBody(next++, region)));
        if (caseNos.length % 250 === 0) {
          const rss = rssMb(stack.workerPid);
          console.log(
            `  ${caseNos.length} open: RSS ${rss.toFixed(0)} MB (${((rss - before) / caseNos.length).toFixed(3)} MB per case) at ${((performance.now() - t0) / 1000).toFixed(0)} s`,
          );
        }
      }
    }),
  );
  const after = rssMb(stack.workerPid);
  const gets: number[] = [];
  const lists: number[] = [];
  for (let i = 0; i < 20; i++) {
    gets.push(await timedGet(deps, `/cases/${caseNos[i % caseNos.length]}`));
    lists.push(await timedGet(deps, '/cases?limit=20'));
  }
  const p50 = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!.toFixed(1);
  console.log(
    `\nMemory: ${N} more open cases: worker+API RSS ${before.toFixed(0)} → ${after.toFixed(0)} MB = ${((after - before) / N).toFixed(3)} MB per open case` +
      ` (cached: all of them only if the worker's cache holds ${N}; WORKER_MAX_CACHED_WORKFLOWS=${process.env.WORKER_MAX_CACHED_WORKFLOWS ?? 'its heap default'})`,
  );
  console.log(`  with them open: GET /cases/:no p50 ${p50(gets)} ms · GET /cases?limit=20 p50 ${p50(lists)} ms`);
}
