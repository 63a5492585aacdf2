// One batch of cases driven through a fault: the cases start, the fault is injected once
// they are moving, and the batch runs to its end (each step bounded by the driver).
import { Driver, newCounts, type Counts } from './driver';

let slotCounter = 0;
/** A 2-hour slot no other case of this run books (E001 takes every visit). */
function nextSlot(): { start: string; end: string } {
  const start = Date.UTC(2032, 0, 1) + ++slotCounter * 3 * 3_600_000;
  return { start: new Date(start).toISOString(), end: new Date(start + 2 * 3_600_000).toISOString() };
}

export interface BatchResult {
  counts: Counts;
  caseNos: string[];
  /** Cases whose client gave up (the reason). */
  clientErrors: string[];
  /** What the fault injection returned (restarts it made). */
  injected: number;
  /** False when the batch had finished before the fault came (it was then injected idle). */
  hitInFlight: boolean;
}

export async function runBatch(opts: {
  base: () => string;
  run: string;
  cases: number;
  requestTimeoutMs: number;
  stepBudgetMs: number;
  inject: () => Promise<number>;
  /** Start the fault with the batch instead of once cases are moving. */
  injectAtStart?: boolean;
  log: (line: string) => void;
}): Promise<BatchResult> {
  const counts = newCounts();
  const driver = new Driver({ base: opts.base, counts, requestTimeoutMs: opts.requestTimeoutMs, stepBudgetMs: opts.stepBudgetMs, log: opts.log });
  const caseNos: string[] = [];
  const clientErrors: string[] = [];
  let finished = 0;
  // Off the request path (the gateways): down before the first case, so its messages meet it.
  const early = opts.injectAtStart ? opts.inject() : undefined;
  const walks = Array.from({ length: opts.cases }, (_, i) =>
    driver
      .walkCase(opts.run, i, nextSlot(), (c) => caseNos.push(c))
      .catch((err: Error) => void clientErrors.push(`case ${i}: ${err.message}`))
      .finally(() => finished++),
  );
  // Otherwise inject once the cases are moving: about one move per case done (bounded by the batch).
  const moving = () => counts.requests >= opts.cases * 4;
  while (!early && !moving() && finished < opts.cases) await new Promise((r) => setTimeout(r, 50));
  const hitInFlight = finished < opts.cases;
  const injected = await (early ?? opts.inject());
  await Promise.all(walks);
  return { counts, caseNos, clientErrors, injected, hitInFlight };
}
