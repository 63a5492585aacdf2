// The faults of the split topology, one victim each: how it is killed and brought back.
// The outage lasts `outageMs` (a fault's length, not a timing assertion).
import { pgCtlStop } from './pgctl';
import type { Topology } from './topology';

export interface Scenario {
  name: string;
  /** Which process is meant to go away (the others must stay up). */
  victim: 'worker' | 'temporal' | 'postgres' | 'api' | 'gateways';
  /** Takes the victim down, holds the outage, brings it back; returns how many restarts the harness did. */
  inject(t: Topology, outageMs: number): Promise<number>;
}

const hold = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
    name: 'SMS + SMTP gateways unreachable',
    victim: 'gateways',
    async inject(t, outageMs) {
      await Promise.all([t.smsProxy.down(), t.smtpProxy.down()]);
      await hold(outageMs);
      await Promise.all([t.smsProxy.up(), t.smtpProxy.up()]);
      return 0;
    },
  },
];
