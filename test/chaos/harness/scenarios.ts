// The faults of the split topology, one victim each: how it is killed and brought back.
// The outage lasts `outageMs` (a fault's length, not a timing assertion).
import { DEFAULT_SLA_POLICY, type SlaPolicy } from '../../../domain/sla';
import { KEYS } from '../../support/stackInfo';
import { pgCtlStop } from './pgctl';
import type { Topology } from './topology';

export interface Scenario {
  name: string;
  /** Which process is meant to go away (the others must stay up). */
  victim: 'worker' | 'temporal' | 'postgres' | 'api' | 'gateways' | 'all';
  /** Takes the victim down, holds the outage, brings it back; returns how many restarts the harness did. */
  inject(t: Topology, outageMs: number): Promise<number>;
  /** Before the batch opens its cases. */
  prepare?(t: Topology): Promise<void>;
  /** The fault starts with the batch (not once cases are moving): for faults off the request path. */
  atStart?: boolean;
}

const hold = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * P3 resolution in 0.6 s (24x7): each case breaches within a second of intake, so its SLA
 * e-mails (warning, escalations) are sent while the gateways are down. The case path
 * itself mails nothing. (The clock pauses while a visit is booked, so a longer target
 * would not be reached on a fast run.)
 */
const MAILING_SLA: SlaPolicy = {
  ...DEFAULT_SLA_POLICY,
  priorities: {
    ...DEFAULT_SLA_POLICY.priorities,
    P3: { calendar: '24x7', targetsMinutes: { ...DEFAULT_SLA_POLICY.priorities.P3.targetsMinutes, resolution: 0.01 } },
  },
};

async function publishSla(apiUrl: string, policy: SlaPolicy): Promise<void> {
  const res = await fetch(`${apiUrl}/sla/policy`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ policy, note: 'chaos: SLA e-mails during the gateway outage' }),
    signal: AbortSignal.timeout(15_000),
  });
  if (res.status !== 201) throw new Error(`PUT /sla/policy: ${res.status} ${await res.text()}`);
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'worker SIGKILL',
    victim: 'worker',
    async inject(t, outageMs) {
      await t.worker.kill('SIGKILL');
      await hold(outageMs);
      await t.worker.start();
      return 1;
    },
  },
  {
    name: 'Temporal dev server SIGKILL',
    victim: 'temporal',
    async inject(t, outageMs) {
      process.kill(t.temporal.pid()!, 'SIGKILL');
      await t.temporal.waitExit();
      await hold(outageMs);
      await t.temporal.restart();
      return 1;
    },
  },
  {
    name: 'PostgreSQL pg_ctl stop -m fast',
    victim: 'postgres',
    async inject(t, outageMs) {
      await pgCtlStop(t.pg.databaseDir, 'fast');
      await t.pg.waitExit();
      await hold(outageMs);
      await t.pg.restart();
      return 1;
    },
  },
  {
    name: 'PostgreSQL pg_ctl stop -m immediate',
    victim: 'postgres',
    async inject(t, outageMs) {
      await pgCtlStop(t.pg.databaseDir, 'immediate');
      await t.pg.waitExit();
      await hold(outageMs);
      await t.pg.restart();
      return 1;
    },
  },
  {
    name: 'API SIGKILL',
    victim: 'api',
    async inject(t, outageMs) {
      await t.api.kill('SIGKILL');
      await hold(outageMs);
      await t.api.start();
      return 1;
    },
  },
  {
    // Boot order: the worker and the API start while PostgreSQL and Temporal are down.
    // They must wait (migrations retry; the worker supervisor retries its connection)
    // instead of exiting; PostgreSQL comes back first, Temporal after a while.
    name: 'worker + API started with PostgreSQL and Temporal down',
    victim: 'all',
    async inject(t, outageMs) {
      await Promise.all([t.worker.kill('SIGKILL'), t.api.kill('SIGKILL')]);
      await pgCtlStop(t.pg.databaseDir, 'fast');
      await t.pg.waitExit();
      process.kill(t.temporal.pid()!, 'SIGKILL');
      await t.temporal.waitExit();
      const ready = { worker: t.worker.launch(), api: t.api.launch() };
      await hold(outageMs);
      await t.pg.restart();
      await hold(outageMs);
      await t.temporal.restart();
      await Promise.all([t.worker.waitReady(ready.worker), t.api.waitReady(ready.api)]);
      return 4;
    },
  },
  {
    name: 'SMS + SMTP gateways unreachable',
    victim: 'gateways',
    prepare: (t) => publishSla(t.apiUrl, MAILING_SLA),
    atStart: true,
    async inject(t, outageMs) {
      await Promise.all([t.smsProxy.down(), t.smtpProxy.down()]);
      await hold(outageMs);
      await Promise.all([t.smsProxy.up(), t.smtpProxy.up()]);
      return 0;
    },
  },
];
