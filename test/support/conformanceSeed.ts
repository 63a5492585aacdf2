// Real resources for the OpenAPI conformance run: cases and complaints in several
// stages, engineers, a webhook, customer links, a callback task and a maintenance reminder. Random path parameters almost never
// name a real case, so without these the run would see 404s and little else; with them
// every 200 schema is checked against rows the workflows actually wrote.
import { createCallbackTask, createMaintenanceReminder } from '../../activities/aftercare';
import { createDatabase } from '../../db/client';
import type { CaseIntakeInput } from '../../domain/schemas';
import { futureSlot, intakeInput } from './fixtures';
import { call, idempotencyKey, waitForStage, type KeyName } from './http';

export interface Seeded {
  caseNos: string[];
  complaintNos: string[];
  engineerIds: string[];
  webhookIds: number[];
  /** Customer-link tokens of cases and complaints. */
  tokens: string[];
  /** Ids of the callback task and of the maintenance reminder. */
  aftercareIds: number[];
}

async function ok(method: string, path: string, base: string, as: KeyName | null, body?: unknown, headers?: Record<string, string>): Promise<any> {
  const r = await call(method, path, { base, as, body, headers });
  if (r.status >= 300) throw new Error(`seeding: ${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A case walked from intake by hand (engineer E001) through `steps`, in order. */
async function walkCase(
  base: string,
  steps: ReadonlyArray<readonly [string, unknown]>,
  warrantyUntil?: string,
  input: CaseIntakeInput = intakeInput(),
): Promise<string> {
  if (warrantyUntil) input.product = { ...input.product, warrantyUntil };
  const opened = await ok('POST', '/cases', base, 'agent', input, { 'idempotency-key': idempotencyKey() });
  const caseNo: string = opened.case.caseNo;
  await waitForStage(caseNo, 'manual_dispatch', { base });
  for (const [path, body] of steps) await ok('POST', `/cases/${caseNo}/${path}`, base, 'admin', body);
  return caseNo;
}

/** What the aftercare workflow writes a day (callback) and months (maintenance) after archive. */
async function seedAftercare(databaseUrl: string, caseNo: string, input: CaseIntakeInput): Promise<number[]> {
  const db = createDatabase(databaseUrl, { max: 1 });
  try {
    const dueAt = new Date().toISOString();
    await createCallbackTask(db, { caseNo, customerName: input.customer.name, customerPhone: input.customer.phone, engineerId: 'E001', rating: 5, dueAt });
    await createMaintenanceReminder(db, { caseNo, customer: input.customer, product: input.product, dueAt });
    const { rows } = await db.$client.query<{ id: string }>(
      'SELECT id FROM callback_tasks WHERE case_no = $1 UNION SELECT id FROM maintenance_reminders WHERE case_no = $1',
      [caseNo],
    );
    return [...new Set(rows.map((r) => Number(r.id)))];
  } finally {
    await db.$client.end();
  }
}

export async function seedConformanceData(stack: { apiUrl: string; databaseUrl: string; webhookUrl: string }): Promise<Seeded> {
  const base = stack.apiUrl;
  for (const id of ['E001', 'E002']) {
    await ok('POST', '/engineers', base, 'admin', { id, name: `工程师${id}`, badgeNo: `B-${id}`, skills: [], regions: ['QA-HOLD'], maxOpenCases: 50 });
  }
  const assign = ['assign', { engineerId: 'E001' }] as const;
  const contact = ['contact', { confirmedAddress: '世纪大道100号', diagnosis: '疑似电容故障', partsToBring: [{ partNo: 'CAP-35UF', quantity: 1 }] }] as const;
  // Each booking needs its own slot: E001 is never double-booked.
  const onSite = () =>
    [assign, contact, ['appointment', futureSlot()], ['check-in', { lat: 31.23, lng: 121.51 }], ['diagnosis', { cause: '电容老化' }]] as const;
  const quote = ['quote', { lines: [{ kind: 'part', partNo: 'CAP-35UF', description: '启动电容', quantity: 1, unitPrice: 80 }] }] as const;
  const checkOut = ['check-out', { result: 'fixed', resolution: '更换电容', partsUsed: [{ partNo: 'CAP-35UF', quantity: 1, oldPartReturned: true }] }] as const;

  const waiting = await walkCase(base, []);
  const scheduled = await walkCase(base, [assign, contact, ['appointment', futureSlot()]]);
  const awaitingApproval = await walkCase(base, [...onSite(), quote], '2020-01-01');
  const awaitingConfirmation = await walkCase(base, [...onSite(), quote, checkOut], '2099-01-01');
  const archivedInput = intakeInput();
  const archived = await walkCase(base, [...onSite(), checkOut, ['confirm', { rating: 5, comment: '很好' }]], undefined, archivedInput);
  const cancelled = await walkCase(base, [['cancel', { reason: '客户取消' }]]);
  const caseNos = [waiting, scheduled, awaitingApproval, awaitingConfirmation, archived, cancelled];

  const complaint = async (caseNo?: string) =>
    (
      await ok(
        'POST',
        '/complaints',
        base,
        'agent',
        {
          category: 'service_attitude',
          channel: 'phone',
          summary: '工程师迟到',
          ...(caseNo ? { caseNo } : { customer: { name: '李四', phone: '+86 137 0000 0001' } }),
        },
        { 'idempotency-key': idempotencyKey() },
      )
    ).complaint.complaintNo as string;
  const received = await complaint();
  const proposed = await complaint(archived);
  for (const [path, body] of [
    ['acknowledge', {}],
    ['investigate', {}],
    ['resolution', { resolution: '免费上门复检', compensation: { amount: 50 } }],
  ] as const) {
    await ok('POST', `/complaints/${proposed}/${path}`, base, 'supervisor', body);
  }
  const withdrawn = await complaint();
  await ok('POST', `/complaints/${withdrawn}/withdraw`, base, 'agent', { reason: '客户撤诉' });
  const complaintNos = [received, proposed, withdrawn];

  const tokens: string[] = [];
  for (const c of [awaitingApproval, awaitingConfirmation, archived]) tokens.push((await ok('POST', `/cases/${c}/customer-link`, base, 'agent')).token);
  tokens.push((await ok('POST', `/complaints/${proposed}/customer-link`, base, 'agent')).token);

  const hook = await ok('POST', '/webhooks', base, 'admin', { url: stack.webhookUrl, events: ['*'] });
  const aftercareIds = await seedAftercare(stack.databaseUrl, archived, archivedInput);
  return { caseNos, complaintNos, engineerIds: ['E001', 'E002'], webhookIds: [hook.webhook.id], tokens, aftercareIds };
}
