// A real case driven to archived on the test stack, then its after-visit workflows with
// dates already due: archiving starts the callback (first attempt a day later) and the
// product's maintenance series (a year later) through aftercare; those runs are replaced
// here by runs of the same workflows and ids whose dates have come, as
// test/e2e/callbacksAndMaintenance.test.ts starts them, so nothing waits on a clock.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { callbackWorkflowId, DEFAULT_CALLBACK_POLICY } from '../../domain/callbacks';
import { seriesInputFor, type MaintenanceSeriesInput } from '../../domain/maintenance';
import { futureSlot, intakeInput } from './fixtures';
import { gatewayOutbox } from './gatewayOutbox';
import { call, eventually, idempotencyKey, openCase, waitForStage } from './http';
import { stackInfo } from './stackInfo';

const DAY = 24 * 3600_000;
const TOKEN = /\/customer\/cases\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;

export interface ArchivedCase {
  caseNo: string;
  customer: { name: string; phone: string; address: string; language: 'zh-CN' | 'en'; tier: string };
  product: { category: string; model: string; serial: string };
}

/** Opened, visited, fixed and confirmed by the customer through their link; aftercare's runs terminated. */
export async function archivedCase(client: Client, phone: string): Promise<ArchivedCase> {
  const input = intakeInput();
  const customer = { ...input.customer, phone };
  const opened = await openCase({ ...input, customer });
  if (opened.status !== 201) throw new Error(`intake: ${opened.status} ${JSON.stringify(opened.body)}`);
  const caseNo: string = opened.body.case.caseNo;
  await waitForStage(caseNo, 'manual_dispatch');
  const steps: Array<[string, string, unknown]> = [
    ['assign', 'dispatcher', { engineerId: 'E001' }],
    ['contact', 'engineerE001', { confirmedAddress: '世纪大道100号', diagnosis: '滤网堵塞', partsToBring: [] }],
    ['appointment', 'engineerE001', futureSlot()],
    ['check-in', 'engineerE001', { lat: 31.23, lng: 121.47 }],
    ['check-out', 'engineerE001', { result: 'fixed', resolution: '清洗滤网' }],
  ];
  for (const [p, as, body] of steps) {
    const r = await call('POST', `/cases/${caseNo}/${p}`, { as: as as never, body });
    if (r.status !== 200) throw new Error(`${p}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  await waitForStage(caseNo, 'awaiting_confirmation');
  const link = await call('POST', `/cases/${caseNo}/customer-link`, { as: 'agent' });
  const confirmed = await call('POST', `/customer/cases/${link.body.token}/confirm`, {
    as: null,
    body: { fixed: true, rating: 5 },
    headers: { 'idempotency-key': idempotencyKey() },
  });
  if (confirmed.status !== 200) throw new Error(`confirm: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
  await waitForStage(caseNo, 'archived');
  const product = { category: input.product.category, model: input.product.model, serial: input.product.serial };
  const series = seriesInputFor({ caseNo, archivedAt: new Date().toISOString(), customer: { ...customer, language: 'zh-CN', tier: 'standard' }, product })!;
  for (const id of [callbackWorkflowId(caseNo), series.seriesId]) {
    const handle = client.workflow.getHandle(id);
    await eventually(`aftercare started ${id}`, () =>
      handle
        .describe()
        .then(() => true)
        .catch(() => undefined),
    );
    await handle.terminate('replaced by a run whose dates are due (test)').catch(() => undefined);
  }
  return { caseNo, customer: { ...customer, language: 'zh-CN', tier: 'standard' }, product };
}

async function smsToken(keyPrefix: string): Promise<string> {
  return eventually(`the SMS ${keyPrefix}`, async () => {
    const m = (await gatewayOutbox()).sms.find((s) => (s.idempotencyKey ?? '').startsWith(keyPrefix));
    return m && TOKEN.exec(m.text)?.[1];
  });
}

/** The callback, all three attempts already due; an agent records each unreachable; the survey SMS's link token. */
export async function surveySent(client: Client, pool: Pool, c: ArchivedCase): Promise<string> {
  await client.workflow.start('callbackWorkflow', {
    taskQueue: stackInfo().taskQueue,
    workflowId: callbackWorkflowId(c.caseNo),
    args: [
      {
        caseNo: c.caseNo,
        customer: { name: c.customer.name, phone: c.customer.phone, language: c.customer.language },
        product: { category: c.product.category, model: c.product.model },
        engineerId: 'E001',
        rating: 5,
        reworks: 0,
        firstDueAt: new Date(Date.now() - 2 * DAY).toISOString(),
        policy: DEFAULT_CALLBACK_POLICY,
      },
    ],
  });
  for (const attempt of [1, 2, 3]) {
    const id = await eventually(`attempt ${attempt} queued`, async () => {
      const { rows } = await pool.query('SELECT id FROM callback_tasks WHERE case_no = $1 AND status = $2 AND attempt = $3', [c.caseNo, 'open', attempt]);
      return rows[0] ? Number(rows[0].id) : undefined;
    });
    const r = await call('POST', `/callbacks/${id}/outcome`, {
      as: 'agent',
      body: { attempt, outcome: 'unreachable' },
      headers: { 'idempotency-key': idempotencyKey() },
    });
    if (r.status !== 200) throw new Error(`attempt ${attempt}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return smsToken(`${c.caseNo}#callback-survey`);
}

/** The product's maintenance series with its last service `daysAgo` days back (365 + n: due n days ago); the reminder SMS's link token. */
export async function maintenanceReminded(client: Client, c: ArchivedCase, daysAgo: number): Promise<{ token: string; input: MaintenanceSeriesInput }> {
  const input = seriesInputFor({ caseNo: c.caseNo, archivedAt: new Date(Date.now() - daysAgo * DAY).toISOString(), customer: c.customer, product: c.product })!;
  await client.workflow.start('maintenanceWorkflow', { taskQueue: stackInfo().taskQueue, workflowId: input.seriesId, args: [input] });
  return { token: await smsToken(`${input.seriesId}#cycle-1`), input };
}
