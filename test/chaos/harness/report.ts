// Configuration of a chaos run and the per-scenario table it prints.
import type { Counts } from './driver';

export interface ChaosConfig {
  cases: number;
  /** How long a killed server stays down before it is restarted. */
  outageMs: number;
  /** How long the SMS/SMTP gateways stay unreachable. */
  gatewayOutageMs: number;
  /** Client deadline of each request. */
  requestTimeoutMs: number;
  /** Budget of one case step beyond the outage (bounded loops). */
  stepBudgetMs: number;
  /** How long the checks wait for background work (notifications, projection) to settle. */
  settleMs: number;
  /** Run only the scenarios whose name matches. */
  only?: RegExp;
  /** What to kill under the `npm start` launcher (each a scenario of its own). */
  launcherVictims: Array<'postgres' | 'temporal'>;
}

export const SHORT: ChaosConfig = {
  cases: 6,
  outageMs: 4_000,
  gatewayOutageMs: 10_000,
  requestTimeoutMs: 15_000,
  stepBudgetMs: 120_000,
  settleMs: 120_000,
  launcherVictims: ['postgres'],
};
export const FULL: ChaosConfig = {
  cases: 10,
  outageMs: 30_000,
  gatewayOutageMs: 60_000,
  requestTimeoutMs: 15_000,
  stepBudgetMs: 180_000,
  settleMs: 180_000,
  launcherVictims: ['postgres', 'temporal'],
};

export interface ScenarioResult extends Counts {
  scenario: string;
  victim: string;
  cases: number;
  lost: number;
  duplicated: number;
  mismatched: number;
  undelivered: number;
  /** Notifications of the batch per channel; those that needed a retry. */
  messages: Record<string, number>;
  retriedMessages: number;
  clientErrors: number;
  restarts: number;
  /** Processes other than the victim that went away. */
  unexpectedExits: number;
  hitInFlight: boolean;
  /** At least this many restarts must have been made by the system itself. */
  requiredRestarts?: number;
  seconds: number;
  details: string[];
}

/** What makes a scenario fail. */
export function violations(r: ScenarioResult): string[] {
  const v: string[] = [];
  for (const k of ['s500', 'timeouts', 'unexpected', 'lost', 'duplicated', 'mismatched', 'undelivered', 'clientErrors', 'unexpectedExits'] as const) {
    if (r[k] > 0) v.push(`${k}=${r[k]}`);
  }
  if (r.restarts < (r.requiredRestarts ?? 0)) v.push('no restart by the supervisor');
  // Only a killed (or restarting) API may refuse connections.
  if (r.victim !== 'api' && r.victim !== 'all' && r.refused > 0) v.push(`refused=${r.refused}`);
  return v;
}

export function formatTable(results: ScenarioResult[]): string {
  const cols: Array<[string, (r: ScenarioResult) => string | number]> = [
    ['scenario', (r) => r.scenario],
    ['cases', (r) => r.cases],
    ['requests', (r) => r.requests],
    ['503', (r) => r.s503],
    ['500', (r) => r.s500],
    ['timeouts', (r) => r.timeouts],
    ['refused', (r) => r.refused],
    ['lost', (r) => r.lost],
    ['dup', (r) => r.duplicated],
    ['mismatch', (r) => r.mismatched],
    ['undeliv', (r) => r.undelivered],
    ['sms', (r) => r.messages.sms ?? 0],
    ['mail', (r) => r.messages.email ?? 0],
    ['msgRetry', (r) => r.retriedMessages],
    ['restarts', (r) => r.restarts],
    ['exits', (r) => r.unexpectedExits],
    ['s', (r) => r.seconds],
    ['result', (r) => (violations(r).length ? `FAIL ${violations(r).join(' ')}` : 'ok')],
  ];
  const cells = [cols.map(([h]) => h), ...results.map((r) => cols.map(([, f]) => String(f(r))))];
  const widths = cols.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}
