// `npm run chaos`: fault injection against real servers. Drives batches of cases through
// the HTTP API while, in turn, the worker, the Temporal dev server, PostgreSQL (pg_ctl
// stop -m fast / -m immediate), the API and the SMS/SMTP gateways go away and come back,
// plus PostgreSQL (and, in the full profile, Temporal) killed under the `npm start`
// launcher. Prints one row per scenario and exits 1 if any case was lost or duplicated,
// any request got a 500 or no answer in time, or a process that was not the victim went
// away.
//   CHAOS_PROFILE=short|full (default full)   CHAOS_ONLY=<regexp of scenario names>
//   CHAOS_LAUNCHER=false (skip the npm start scenarios)   CHAOS_CASES=n   CHAOS_OUTAGE_MS=ms
import fs from 'node:fs';
import path from 'node:path';
import { runLauncherScenario } from '../test/chaos/harness/launcherRun';
import { FULL, SHORT, formatTable, violations, type ChaosConfig, type ScenarioResult } from '../test/chaos/harness/report';
import { runSplitScenarios } from '../test/chaos/harness/splitRun';

async function main(): Promise<void> {
  const profile = process.env.CHAOS_PROFILE === 'short' ? 'short' : 'full';
  const cfg: ChaosConfig = {
    ...(profile === 'short' ? SHORT : FULL),
    ...(process.env.CHAOS_ONLY ? { only: new RegExp(process.env.CHAOS_ONLY, 'i') } : {}),
    ...(process.env.CHAOS_LAUNCHER === 'false' ? { launcherVictims: [] } : {}),
    ...(process.env.CHAOS_CASES ? { cases: Number(process.env.CHAOS_CASES) } : {}),
    ...(process.env.CHAOS_OUTAGE_MS ? { outageMs: Number(process.env.CHAOS_OUTAGE_MS) } : {}),
  };
  const logDir = path.resolve(__dirname, '..', 'test-artifacts', 'chaos');
  fs.rmSync(logDir, { recursive: true, force: true });
  fs.mkdirSync(logDir, { recursive: true });
  const t0 = Date.now();
  const log = (line: string) => console.log(`[chaos +${Math.round((Date.now() - t0) / 1000)}s] ${line}`);
  log(`profile ${profile}: ${cfg.cases} cases per scenario, outages ${cfg.outageMs / 1000} s (gateways ${cfg.gatewayOutageMs / 1000} s); logs in ${logDir}`);

  const results: ScenarioResult[] = await runSplitScenarios(cfg, logDir, log);
  for (const victim of cfg.launcherVictims) {
    if (!cfg.only || cfg.only.test(`npm start ${victim}`)) results.push(await runLauncherScenario(cfg, logDir, log, victim));
  }

  console.log(`\ncasework chaos (${profile}), wall ${Math.round((Date.now() - t0) / 1000)} s\n${formatTable(results)}`);
  for (const r of results) for (const d of r.details) console.log(`  ${r.scenario}: ${d}`);
  for (const r of results) if (!r.hitInFlight) console.log(`  note: ${r.scenario}: the batch had finished before the fault`);
  console.log(`CHAOS_RESULT ${JSON.stringify(results)}`);
  process.exit(results.some((r) => violations(r).length > 0) ? 1 : 0);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(2);
});
