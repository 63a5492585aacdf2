// A server killed under the real `npm start` launcher (launcher/start.ts in a child
// process, as the test suite's stack runs): PostgreSQL by `pg_ctl stop -m immediate`, or
// the Temporal dev server by SIGKILL. The launcher must notice, start it again on the
// same port and data, and the cases in flight must still finish.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase } from '../../../db/client';
import { launch } from '../../support/globalSetup';
import { ensureKeyedEngineers } from '../../support/roster';
import { runBatch } from './batch';
import { pgCtlStop } from './pgctl';
import type { ChaosConfig, ScenarioResult } from './report';
import { verifyBatch } from './verify';

function postmasterPid(databaseDir: string): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

/** The launcher's `temporal` child (from /proc: parent pid and command name). */
function devServerPid(launcherPid: number): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === 'temporal' && ppid === launcherPid) return Number(entry);
    } catch {
      /* gone meanwhile */
    }
  }
  return undefined;
}

export type LauncherVictim = 'postgres' | 'temporal';

export async function runLauncherScenario(cfg: ChaosConfig, logDir: string, log: (line: string) => void, victim: LauncherVictim): Promise<ScenarioResult> {
  const name = victim === 'postgres' ? 'npm start: PostgreSQL pg_ctl stop -m immediate' : 'npm start: Temporal dev server SIGKILL';
  log(`scenario: ${name} (${cfg.cases} cases; the launcher restarts it)`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-chaos-launcher-'));
  const logFile = path.join(logDir, `launcher-${victim}.log`);
  const t0 = Date.now();
  const launched = await launch({ dataDir, logFile, taskQueue: 'casework-chaos-launcher' });
  const databaseDir = path.join(dataDir, 'postgres');
  const db = createDatabase(launched.info.databaseUrl, { max: 2 });
  try {
    await ensureKeyedEngineers(db);
    const run = `L${Date.now().toString(36)}`;
    const batch = await runBatch({
      base: () => launched.info.apiUrl,
      run,
      cases: cfg.cases,
      requestTimeoutMs: cfg.requestTimeoutMs,
      stepBudgetMs: cfg.stepBudgetMs,
      log,
      async inject() {
        const pidOf = () => (victim === 'postgres' ? postmasterPid(databaseDir) : devServerPid(launched.child.pid!));
        const before = pidOf();
        if (victim === 'postgres') await pgCtlStop(databaseDir, 'immediate');
        else process.kill(before!, 'SIGKILL');
        // Nobody but the launcher starts it again: wait (bounded) for a new process.
        const deadline = Date.now() + 60_000;
        for (;;) {
          const now = pidOf();
          if (now !== undefined && now !== before) break;
          if (Date.now() > deadline) throw new Error(`the launcher did not restart ${victim} within 60 s`);
          await new Promise((r) => setTimeout(r, 200));
        }
        return 0;
      },
    });
    const findings = await verifyBatch({
      pool: db.$client,
      temporalAddress: launched.info.temporalAddress,
      run,
      expected: cfg.cases,
      outboxFiles: [path.join(dataDir, 'outbox.jsonl')],
      timeoutMs: cfg.settleMs,
    });
    const text = fs.readFileSync(logFile, 'utf8');
    const restarts = text.split(`"${victim} restarted"`).length - 1;
    const alive = launched.child.exitCode === null && launched.child.signalCode === null;
    return {
      scenario: name,
      victim,
      cases: cfg.cases,
      ...batch.counts,
      lost: findings.lost.length,
      duplicated: findings.duplicated.length,
      mismatched: findings.mismatched.length,
      undelivered: findings.undelivered.length,
      messages: findings.messages,
      retriedMessages: findings.retriedMessages,
      clientErrors: batch.clientErrors.length,
      restarts,
      requiredRestarts: 1,
      unexpectedExits: alive ? 0 : 1,
      hitInFlight: batch.hitInFlight,
      seconds: Math.round((Date.now() - t0) / 1000),
      details: [
        ...batch.clientErrors,
        ...findings.lost,
        ...findings.duplicated,
        ...findings.mismatched,
        ...findings.undelivered,
        ...(alive ? [] : ['died: the launcher']),
        ...(restarts ? [] : [`the launcher logged no ${victim} restart`]),
      ].slice(0, 20),
    };
  } finally {
    await db.$client.end().catch(() => undefined);
    const code = await launched.stop('SIGTERM');
    if (code !== 0) log(`the launcher exited with ${code} on SIGTERM`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
