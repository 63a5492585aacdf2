// A case opened before duty routing and still open at the upgrade: on the time-skipping
// server, the case starts on a build without duty routing (the current code with
// 'duty-routing' and 'duty-routing-open-runs' taken out: fixed contacts in its settings)
// and its SLA warning is e-mailed to the legacy supervisor address; that build stops, the
// current build takes the case over from its history, and the levels firing afterwards
// go to the people on duty through the routing activity (SMS captured, person ids on the
// timeline), never to the legacy addresses. The committed pre-duty-routing histories
// (test/histories/2026.12.0) replaying in historyReplay.test.ts prove the other half.
// A complaint the same, on its acknowledge clock.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { createActivities } from '../../activities';
import { createWebhookGateway } from '../../activities/gateways';
import { createDatabase, type Database } from '../../db/client';
import { caseEvents, complaintEvents } from '../../db/schema';
import { workflowIdFor, type CaseState } from '../../domain';
import { complaintWorkflowId } from '../../domain/complaints';
import { LEGACY_ESCALATION_CONTACTS } from '../../domain/notifications';
import { caseWorkflow, complaintWorkflow } from '../../workflows';
import { COMPLAINT_UPDATES, complaintReceipt, getComplaintState } from '../../workflows/complaintDefinitions';
import * as defs from '../../workflows/definitions';
import { activityErrorInterceptor } from '../../worker/activityErrors';
import { agent, endCases } from '../support/caseTestEnv';
import { intake, testCaseNo, testComplaintNo } from '../support/fixtures';
import { eventually } from '../support/http';
import { addPerson, addShift } from '../support/organisation';
import { testDataConverter } from '../support/payloadKeys';
import { startHttpReceiver, startSmtpReceiver, type HttpReceiver, type SmtpReceiver } from '../support/receivers';
import { uniqueRegion } from '../support/roster';
import { stackInfo } from '../support/stackInfo';
import { receiverNotifications } from '../support/testNotifications';
import { createTimeSkippingEnv } from '../support/timeSkipping';
import { bundleWorkflows, type SourceChange } from '../support/workflowVariant';

const M = 60_000;
const TASK_QUEUE = 'open-runs-routing-test';

/** The build before duty routing: new cases and complaints keep the fixed contacts, and never route. */
const BEFORE_DUTY_ROUTING: SourceChange[] = [
  { file: 'caseState.ts', find: 'caseSettingsFrom\\(input, patched\\(DUTY_ROUTING_PATCH\\)\\)', replace: 'caseSettingsFrom(input, false)' },
  { file: 'complaintCore.ts', find: 'complaintSettingsFrom\\(input, patched\\(DUTY_ROUTING_PATCH\\)\\)', replace: 'complaintSettingsFrom(input, false)' },
  { file: 'dutyRouting.ts', find: "settings\\.routing === 'duty' \\|\\| patched\\(OPEN_RUNS_ROUTING_PATCH\\)", replace: "settings.routing === 'duty'" },
];

let env: TestWorkflowEnvironment;
let db: Database;
let sms: HttpReceiver;
let smtp: SmtpReceiver;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  db = createDatabase(stackInfo().databaseUrl);
  [sms, smtp] = await Promise.all([startHttpReceiver(), startSmtpReceiver()]);
});
afterAll(async () => {
  await env?.teardown();
  await Promise.all([sms?.close(), smtp?.close()]);
  await db?.$client.end();
});

/** `cached: false`: no sticky queue, so the next build gets the case's tasks as soon as this one stops. */
async function runWorker(bundle: WorkflowBundle, cached = true) {
  const worker = await Worker.create({
    dataConverter: testDataConverter(),
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: bundle,
    ...(cached ? {} : { maxCachedWorkflows: 0 }),
    activities: { ...createActivities(db), ...receiverNotifications(db, sms.url, createWebhookGateway(), smtp.url) },
    interceptors: { activity: [activityErrorInterceptor] },
  });
  const running = worker.run();
  return { stop: async () => (worker.shutdown(), await running) };
}

/** Whether the run's history holds the marker of patch `id` (exactly that id). */
async function hasMarker(h: { fetchHistory: () => Promise<{ events?: unknown[] | null }> }, id: string): Promise<boolean> {
  const events = ((await h.fetchHistory()).events ?? []) as Array<{
    markerRecordedEventAttributes?: { markerName?: string | null; details?: Record<string, { payloads?: Array<{ data?: Uint8Array | null }> | null }> | null };
  }>;
  return events.some((e) => {
    const m = e.markerRecordedEventAttributes;
    if (m?.markerName !== 'core_patch') return false;
    return Object.values(m.details ?? {}).some((d) =>
      (d.payloads ?? []).some((p) =>
        Buffer.from(p.data ?? [])
          .toString('utf8')
          .includes(`"${id}"`),
      ),
    );
  });
}

test('a run opened before duty routing: what fired before the upgrade went to the fixed contacts, what fires after it goes to the people on duty', async () => {
  const region = uniqueRegion('OR');
  const sup = await addPerson(db, { id: `${region}-S`, name: '值班主管', roles: ['supervisor'], preferredChannel: 'sms' });
  const mgr = await addPerson(db, { id: `${region}-M`, name: '区域经理', roles: ['manager'], preferredChannel: 'sms' });
  await addShift(db, sup.id, 'supervisor', region);
  await addShift(db, mgr.id, 'manager', region);

  // Build A, before duty routing: a P1 case nobody serves; its warning fires at 7.5 min.
  const before = await runWorker(await bundleWorkflows(BEFORE_DUTY_ROUTING), false);
  const caseNo = testCaseNo();
  const base = intake({ priority: 'P1' });
  const handle = await env.client.workflow.start(caseWorkflow, {
    taskQueue: TASK_QUEUE,
    workflowId: workflowIdFor(caseNo),
    args: [{ caseNo, intake: { ...base, customer: { ...base.customer, region } }, openedBy: agent }],
  });
  try {
    await handle.executeUpdate(defs.intakeReceipt);
    const opened: CaseState = await handle.query(defs.getCaseState);
    expect([opened.settings.routing, opened.settings.contacts]).toEqual([undefined, LEGACY_ESCALATION_CONTACTS]);
    await env.sleep(8 * M);
    await eventually('the warning', async () =>
      (await handle.query(defs.getCaseState)).sla.clocks.find((c) => c.clock === 'dispatch')!.fired.length === 1 ? true : undefined,
    );
    const warning = await eventually('the warning e-mailed to the legacy supervisor address', async () =>
      smtp.mails.find((m) => m.subject.includes(caseNo) && m.headers['x-casework-event'] === 'sla.warning'),
    );
    expect(warning.envelopeTo).toEqual([LEGACY_ESCALATION_CONTACTS.supervisorEmail]);
    await before.stop();

    // Build B, the current code, takes the case over from its history: levels 1 (10 min) and 2 (15 min).
    const current = await runWorker(await bundleWorkflows());
    try {
      await env.sleep(8 * M);
      await eventually('levels 1 and 2', async () =>
        (await handle.query(defs.getCaseState)).sla.clocks.find((c) => c.clock === 'dispatch')!.fired.length === 3 ? true : undefined,
      );
      const fired = await eventually('the levels on the timeline', async () => {
        const rows = (await db.select().from(caseEvents).where(eq(caseEvents.caseNo, caseNo)).orderBy(caseEvents.seq)).filter(
          (e) => e.type.startsWith('sla.') && (e.data as { clock?: string }).clock === 'dispatch',
        );
        return rows.length >= 3 ? rows : undefined;
      });
      expect(fired.slice(0, 3).map((e) => [e.type, (e.data as { level: number }).level, (e.data as { notified?: unknown }).notified])).toEqual([
        // Before the upgrade: no routing, no one named.
        ['sla.warning', 0, undefined],
        ['sla.escalated', 1, [{ role: 'supervisor', personId: sup.id, name: '值班主管', via: 'shift', channel: 'sms' }]],
        ['sla.escalated', 2, [{ role: 'manager', personId: mgr.id, name: '区域经理', via: 'shift', channel: 'sms' }]],
      ]);
      const texts = await eventually('the levels texted to the people on duty', async () => {
        const got = sms.received.filter((r) => r.path === '/sms' && r.body?.caseNo === caseNo && r.body?.event === 'sla.escalation');
        return got.length >= 2 ? got : undefined;
      });
      expect(texts.map((r) => r.body.to)).toEqual([sup.phone, mgr.phone]);
      // Nothing after the upgrade went to the legacy addresses.
      expect(smtp.mails.filter((m) => m.subject.includes(caseNo)).map((m) => m.headers['x-casework-event'])).toEqual(['sla.warning']);
      // The run never took 'duty-routing'; it took the new patch when level 1 fired.
      expect([await hasMarker(handle, 'duty-routing'), await hasMarker(handle, 'duty-routing-open-runs')]).toEqual([false, true]);
    } finally {
      await endCases(env, [handle.workflowId]);
      await current.stop();
    }
  } finally {
    await handle.terminate('test over').catch(() => undefined);
  }
});

test('a complaint opened before duty routing: its warning went to the fixed supervisor address, its levels after the upgrade go to the people on duty', async () => {
  const region = uniqueRegion('OR');
  const sup = await addPerson(db, { id: `${region}-S`, name: '值班主管', roles: ['supervisor'], preferredChannel: 'sms' });
  const mgr = await addPerson(db, { id: `${region}-M`, name: '区域经理', roles: ['manager'], preferredChannel: 'sms' });
  await addShift(db, sup.id, 'supervisor', region);
  await addShift(db, mgr.id, 'manager', region);

  // Build A: general grade, acknowledge within 120 min: the warning fires at 90 min.
  const before = await runWorker(await bundleWorkflows(BEFORE_DUTY_ROUTING), false);
  const complaintNo = testComplaintNo();
  const handle = await env.client.workflow.start(complaintWorkflow, {
    taskQueue: TASK_QUEUE,
    workflowId: complaintWorkflowId(complaintNo),
    args: [
      {
        complaintNo,
        source: 'agent',
        openedBy: agent,
        intake: {
          category: 'service_attitude',
          grade: 'general',
          channel: 'phone',
          summary: '工程师态度恶劣',
          region,
          customer: { name: '张三', phone: '+86 139 0000 1111', language: 'zh-CN' },
        },
      },
    ],
  });
  let current: { stop: () => Promise<void> } | undefined;
  try {
    await handle.executeUpdate(complaintReceipt);
    expect((await handle.query(getComplaintState)).settings).toMatchObject({ contacts: LEGACY_ESCALATION_CONTACTS });
    await env.sleep(91 * M);
    const warning = await eventually('the warning e-mailed to the legacy supervisor address', async () =>
      smtp.mails.find((m) => m.subject.includes(complaintNo) && m.headers['x-casework-event'] === 'complaint.warning'),
    );
    expect(warning.envelopeTo).toEqual([LEGACY_ESCALATION_CONTACTS.supervisorEmail]);
    await before.stop();

    // Build B: level 1 at 120 min, level 2 at 180 min.
    current = await runWorker(await bundleWorkflows());
    await env.sleep(90 * M);
    const texts = await eventually('levels 1 and 2 texted to the people on duty', async () => {
      const got = sms.received.filter((r) => r.path === '/sms' && r.body?.complaintNo === complaintNo && r.body?.event === 'complaint.escalation');
      return got.length >= 2 ? got : undefined;
    });
    expect(texts.map((r) => r.body.to)).toEqual([sup.phone, mgr.phone]);
    expect(smtp.mails.filter((m) => m.subject.includes(complaintNo)).map((m) => m.headers['x-casework-event'])).toEqual(['complaint.warning']);
    const rows = await db.select().from(complaintEvents).where(eq(complaintEvents.complaintNo, complaintNo)).orderBy(complaintEvents.seq);
    const fired = rows.filter((e) => e.type.startsWith('sla.') && (e.data as { clock?: string }).clock === 'acknowledge');
    expect(
      fired
        .slice(0, 3)
        .map((e) => [e.type, (e.data as { level: number }).level, (e.data as { notified?: Array<{ personId: string }> }).notified?.map((n) => n.personId)]),
    ).toEqual([
      ['sla.warning', 0, undefined],
      ['sla.escalated', 1, [sup.id]],
      ['sla.escalated', 2, [mgr.id]],
    ]);
  } finally {
    await handle.executeUpdate(COMPLAINT_UPDATES.withdraw, { args: [{ role: 'supervisor', subject: 'S01' }, { reason: 'test over' }] }).catch(() => undefined);
    await current?.stop();
    await handle.terminate('test over').catch(() => undefined);
  }
});
