// The split-topology scenarios on one set of servers: each batch meets one fault, then
// the checks run and the survivors are counted.
import path from 'node:path';
import { runBatch } from './batch';
import type { ChaosConfig, ScenarioResult } from './report';
import { SCENARIOS } from './scenarios';
import { startTopology, type Topology } from './topology';
import { verifyBatch } from './verify';

/** Pids of the servers this process runs, to tell whether a non-victim went away. */
function serverPids(t: Topology) {
  return { postgres: t.pg.pid(), temporal: t.temporal.pid() };
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

export async function runSplitScenarios(cfg: ChaosConfig, logDir: string, log: (line: string) => void): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const selected = SCENARIOS.filter((s) => !cfg.only || cfg.only.test(s.name));
  if (selected.length === 0) return results;
  log('starting the split topology (PostgreSQL, Temporal, gateways, worker and API processes)');
  const t = await startTopology(logDir);
  try {
    for (const scenario of selected) {
      const outageMs = scenario.victim === 'gateways' ? cfg.gatewayOutageMs : cfg.outageMs;
      log(`scenario: ${scenario.name} (${cfg.cases} cases, outage ${outageMs / 1000} s)`);
      const t0 = Date.now();
      const before = serverPids(t);
      const exitsBefore = { worker: t.worker.unexpectedExits.length, api: t.api.unexpectedExits.length };
      const workerLog = t.worker.logSize();
      const run = `${Date.now().toString(36)}`;
      await scenario.prepare?.(t);
      const batch = await runBatch({
        base: () => t.apiUrl,
        run,
        cases: cfg.cases,
        requestTimeoutMs: cfg.requestTimeoutMs,
        stepBudgetMs: outageMs + cfg.stepBudgetMs,
        inject: () => scenario.inject(t, outageMs),
        injectAtStart: scenario.atStart,
        log,
      });
      // Who went away without being the victim?
      const after = serverPids(t);
      const died: string[] = [];
      for (const name of ['postgres', 'temporal'] as const) {
        if (scenario.victim !== name && scenario.victim !== 'all' && (after[name] === undefined || after[name] !== before[name])) died.push(name);
      }
      for (const svc of [t.worker, t.api]) {
        const n = svc.unexpectedExits.length - exitsBefore[svc.name as 'worker' | 'api'];
        if (n > 0) {
          died.push(`${svc.name} ×${n} (${JSON.stringify(svc.unexpectedExits.slice(-n))})`);
          // Bring it back so the next scenario starts whole (the failure is recorded).
          await svc.start().catch((err: Error) => log(`could not restart ${svc.name}: ${err.message}`));
        }
      }
      const findings = await verifyBatch({
        pool: t.db.$client,
        temporalAddress: t.temporalAddress,
        run,
        expected: cfg.cases,
        outboxFiles: [path.join(t.dataDir, 'outbox.jsonl')],
        timeoutMs: cfg.settleMs,
      });
      const supervisorRestarts = count(t.worker.logSince(workerLog), '"worker restarting"');
      results.push({
        scenario: scenario.name,
        victim: scenario.victim,
        cases: cfg.cases,
        ...batch.counts,
        lost: findings.lost.length,
        duplicated: findings.duplicated.length,
        mismatched: findings.mismatched.length,
        undelivered: findings.undelivered.length,
        messages: findings.messages,
        retriedMessages: findings.retriedMessages,
        clientErrors: batch.clientErrors.length,
        restarts: batch.injected + supervisorRestarts,
        unexpectedExits: died.length,
        hitInFlight: batch.hitInFlight,
        seconds: Math.round((Date.now() - t0) / 1000),
        details: [
          ...batch.clientErrors,
          ...findings.lost,
          ...findings.duplicated,
          ...findings.mismatched,
          ...findings.undelivered,
          ...died.map((d) => `died: ${d}`),
        ].slice(0, 20),
      });
    }
  } finally {
    await t.stop().catch((err: Error) => log(`stopping the topology: ${err.message}`));
  }
  return results;
}
