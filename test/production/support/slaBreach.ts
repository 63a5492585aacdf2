// SLA state in the real server's visibility store: one case on a policy of seconds that
// breaches by itself, one beside it on the default policy that does not. Each query must
// return the one and not the other, so a query that ignored its attribute would fail.
import type { Client } from '@temporalio/client';
import { DEFAULT_SLA_POLICY, type SlaPolicy } from '../../../domain/sla';
import { SA } from '../../../domain/searchAttributes';
import { intakeInput } from '../../support/fixtures';
import { eventually } from '../../support/http';
import { expectQuery } from './batch';
import type { ApiPool } from './twoApis';

/** P1 dispatch in 3 seconds: warning 2.25 s, levels 1–3 at 3, 4.5 and 6 s. */
const FAST: SlaPolicy = {
  ...DEFAULT_SLA_POLICY,
  priorities: {
    ...DEFAULT_SLA_POLICY.priorities,
    P1: { calendar: '24x7', targetsMinutes: { ...DEFAULT_SLA_POLICY.priorities.P1.targetsMinutes, dispatch: 0.05 } },
  },
};

async function putPolicy(api: ApiPool, policy: SlaPolicy, note: string): Promise<void> {
  const r = await api.call('PUT', '/sla/policy', { as: 'admin', body: { policy, note } });
  if (r.status !== 201) throw new Error(`PUT /sla/policy: ${r.status} ${JSON.stringify(r.body)}`);
}

/** Timestamp literal for a visibility query (whole seconds, RFC 3339). */
const at = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export async function checkSlaVisibility(api: ApiPool, client: Client, region: string): Promise<void> {
  const open = async () => {
    const base = intakeInput({ priority: 'P1' });
    return (await api.move('/cases', 'agent', { ...base, customer: { ...base.customer, region } })).case.caseNo as string;
  };
  await putPolicy(api, FAST, 'production test: 3 s P1 dispatch');
  let breaching: string;
  try {
    breaching = await open();
  } finally {
    // Only that case runs on the fast table: a case keeps the version it opened with.
    await putPolicy(api, DEFAULT_SLA_POLICY, 'production test: defaults again');
  }
  const calm = await open();
  const id = (no: string) => `case-${no}`;
  // Nobody serves the region: both wait in the manual queue, where only the fast clock lapses.
  await api.until(`/cases/${breaching}`, (b) => (b.live?.sla?.level === 3 ? true : undefined), `${breaching} at escalation level 3`);
  const calmDetail = await api.until(`/cases/${calm}`, (b) => (b.case.stage === 'manual_dispatch' ? b : undefined), `${calm} in manual_dispatch`);
  if (calmDetail.live?.sla?.level !== 0) throw new Error(`${calm} escalated: ${JSON.stringify(calmDetail.live?.sla)}`);

  const inRegion = `Region = '${region}'`;
  await expectQuery(client, `${inRegion} AND SlaBreached = true`, [id(breaching)]);
  await expectQuery(client, `${inRegion} AND SlaBreached = false`, [id(calm)]);
  await expectQuery(client, `${inRegion} AND EscalationLevel > 0`, [id(breaching)]);
  await expectQuery(client, `${inRegion} AND EscalationLevel = 3`, [id(breaching)]);
  await expectQuery(client, `${inRegion} AND EscalationLevel = 0`, [id(calm)]);

  // NextDeadline: the calm case's next threshold is its dispatch warning (7.5 min after
  // opening), the breached one's its first-response warning (22.5 min): a bound between them
  // splits the two, and one before both finds neither.
  const deadlineOf = async (no: string) => {
    const d = (await client.workflow.getHandle(id(no)).describe()).typedSearchAttributes.get(SA.NextDeadline);
    if (!(d instanceof Date)) throw new Error(`${no} has no NextDeadline`);
    return d.getTime();
  };
  const [calmAt, breachingAt] = [await deadlineOf(calm), await deadlineOf(breaching)];
  if (!(calmAt + 60_000 < breachingAt)) throw new Error(`NextDeadline ${at(calmAt)} (calm) not well before ${at(breachingAt)} (breached)`);
  const between = at((calmAt + breachingAt) / 2);
  await expectQuery(client, `${inRegion} AND NextDeadline < '${between}'`, [id(calm)]);
  await expectQuery(client, `${inRegion} AND NextDeadline > '${between}'`, [id(breaching)]);
  await expectQuery(client, `${inRegion} AND NextDeadline < '${at(calmAt - 60_000)}'`, []);

  // /ops/stuck on this server lists the breached case with its reason, not the calm one.
  const stuck = await eventually(
    'the breached case in /ops/stuck',
    async () => {
      const r = await api.call('GET', '/ops/stuck?limit=500', { as: 'ops' });
      if (r.status !== 200) throw new Error(`GET /ops/stuck: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.items.some((i: { caseNo: string }) => i.caseNo === breaching) ? r.body : undefined;
    },
    60_000,
  );
  const mine = stuck.items.find((i: { caseNo: string }) => i.caseNo === breaching);
  if (mine.reasons[0]?.kind !== 'sla_breached' || !/escalation level 3 on dispatch/.test(mine.reasons[0].detail)) {
    throw new Error(`/ops/stuck reason: ${JSON.stringify(mine.reasons)}`);
  }
  if (stuck.items.some((i: { caseNo: string }) => i.caseNo === calm)) throw new Error(`${calm} listed in /ops/stuck`);

  for (const no of [breaching, calm]) await api.move(`/cases/${no}/cancel`, 'supervisor', { reason: 'production test over' });
}
